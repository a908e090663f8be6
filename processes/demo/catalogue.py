"""The shop's master data: its locations, suppliers and product range, and how each product is bought.

Every name, address, e-mail and phone number is invented (example.com,
example.net, 555 numbers).
"""

from __future__ import annotations

from sheets.tabs import LOCATIONS, PRODUCTS, SUPPLIERS

from .builder import DemoBuilder
from .choices import LOCATION_KIND

LOCATION_DATA = (
    ("main", "Main warehouse", LOCATION_KIND.warehouse),
    ("overflow", "Overflow warehouse", LOCATION_KIND.warehouse),
    ("store", "Harbour Street store", LOCATION_KIND.store),
)

# key, name, contact, email, phone, rating, lead time (days), active, notes
SUPPLIER_DATA = (
    (
        "hangzhou",
        "Hangzhou Homeware Trading Co.",
        "Mei Zhang",
        "mei.zhang@example.net",
        "+86 555 0101 2288",
        4.5,
        28,
        True,
        "Cookware, cutlery and knives; ships FOB Ningbo; minimum order 50 pcs",
    ),
    (
        "lakeside",
        "Lakeside Kitchen Supply",
        "Dana Whitfield",
        "dana.whitfield@example.com",
        "+1 555 0142",
        4.1,
        7,
        True,
        "Domestic distributor: quick, and dearer",
    ),
    (
        "greenleaf",
        "Greenleaf Home Goods Ltd.",
        "Hao Lin",
        "hao.lin@example.net",
        "+86 555 0177 4410",
        3.8,
        35,
        True,
        "Textiles and kitchen tools; send samples before each new range",
    ),
    (
        "bluestone",
        "Bluestone Ceramics",
        "Rosa Delgado",
        "rosa.delgado@example.com",
        "+1 555 0163",
        4.7,
        14,
        True,
        "Mugs and plates under framework contract FC-2025-02",
    ),
    (
        "quickbuy",
        "Quickbuy Wholesale",
        "Victor Hale",
        "victor.hale@example.com",
        "+1 555 0198",
        2.6,
        10,
        False,
        "Paused after two late deliveries and a short shipment",
    ),
)

# sku, name, category, unit, unit_cost, price
CATALOGUE = (
    ("KIT-001", "Cast iron skillet 26 cm", "Cookware", "pcs", 14.20, 39.90),
    ("KIT-002", "Stainless saucepan 2 L", "Cookware", "pcs", 11.80, 32.00),
    ("KIT-003", "Non-stick frying pan 28 cm", "Cookware", "pcs", 9.60, 27.50),
    ("KIT-004", "Chef's knife 20 cm", "Kitchen tools", "pcs", 8.40, 29.90),
    ("KIT-005", "Bamboo cutting board", "Kitchen tools", "pcs", 4.10, 14.90),
    ("KIT-006", "Silicone spatula set of 3", "Kitchen tools", "set", 2.30, 9.90),
    ("KIT-007", "Digital kitchen scale", "Kitchen tools", "pcs", 6.90, 19.90),
    ("KIT-008", "French press 1 L", "Coffee & tea", "pcs", 7.20, 24.00),
    ("KIT-009", "Glass teapot 800 ml", "Coffee & tea", "pcs", 5.80, 18.50),
    ("KIT-010", "Enamel kettle 1.5 L", "Coffee & tea", "pcs", 12.00, 34.00),
    ("TBL-001", "Stoneware dinner plates, set of 4", "Tableware", "set", 12.50, 36.00),
    ("TBL-002", "Ceramic mug 350 ml", "Tableware", "pcs", 2.10, 8.50),
    ("TBL-003", "Glass tumblers, set of 6", "Tableware", "set", 6.40, 19.00),
    ("TBL-004", "Cutlery set, 24 pieces", "Tableware", "set", 15.30, 49.00),
    ("STO-001", "Glass food containers, set of 5", "Storage", "set", 9.80, 29.00),
    ("STO-002", "Airtight pantry jar 1.5 L", "Storage", "pcs", 3.20, 11.50),
    ("STO-003", "Spice rack with 12 jars", "Storage", "pcs", 8.70, 27.00),
    ("STO-004", "Enamel bread bin", "Storage", "pcs", 10.40, 32.00),
    ("TEX-001", "Linen tea towels, set of 3", "Textiles", "set", 4.60, 15.90),
    ("TEX-002", "Cotton apron", "Textiles", "pcs", 5.10, 17.50),
    ("TEX-003", "Oven mitts", "Textiles", "pair", 3.40, 12.00),
    ("TEX-004", "Waffle table runner", "Textiles", "pcs", 4.20, 14.00),
    ("CLN-001", "Dish brush, beech handle", "Cleaning", "pcs", 1.60, 6.50),
    ("CLN-002", "Microfibre cloths, pack of 10", "Cleaning", "pack", 2.80, 9.90),
)
# Inactive products: no longer sold or reordered.
DISCONTINUED = ("KIT-010", "TEX-004")

# Each product's usual supplier (the one the story's quotes and orders go to) and the pack it comes in.
USUAL_SUPPLIER = {
    "KIT-001": "hangzhou",
    "KIT-002": "lakeside",  # bought at home since the annual volume price
    "KIT-003": "hangzhou",
    "KIT-004": "hangzhou",
    "KIT-005": "greenleaf",
    "KIT-006": "greenleaf",
    "KIT-007": "lakeside",
    "KIT-008": "lakeside",
    "KIT-009": "lakeside",
    "KIT-010": "hangzhou",
    "TBL-001": "bluestone",
    "TBL-002": "bluestone",
    "TBL-003": "lakeside",
    "TBL-004": "hangzhou",
    "STO-001": "lakeside",
    "STO-002": "greenleaf",
    "STO-003": "greenleaf",
    "STO-004": "greenleaf",
    "TEX-001": "greenleaf",
    "TEX-002": "greenleaf",
    "TEX-003": "greenleaf",
    "TEX-004": "greenleaf",
    "CLN-001": "greenleaf",
    "CLN-002": "lakeside",
}
# Units per carton, where a product is only sold by the carton (mugs: 10 cartons of 20 make 200).
PACK_SIZE = {"TBL-002": 20, "TBL-003": 6, "STO-002": 12, "CLN-001": 12, "CLN-002": 20}
# What a supplier's notes say about the least it ships of a product.
MIN_ORDER_QTY = {"hangzhou": 50}

# The products each location carries, by location key.
STOCKED = {
    # The main warehouse keeps everything but the runner, which sold out before it was dropped.
    "main": tuple(sku for sku, *_ in CATALOGUE if sku != "TEX-004"),
    "overflow": ("KIT-001", "KIT-003", "KIT-005", "TBL-001", "TBL-002", "STO-001", "STO-003", "CLN-002"),
    "store": (
        "KIT-004",
        "KIT-005",
        "KIT-008",
        "KIT-009",
        "TBL-002",
        "TBL-003",
        "TEX-001",
        "TEX-002",
        "TEX-003",
        "CLN-001",
    ),
}


def seed_catalogue(demo: DemoBuilder) -> None:
    """Locations, suppliers and products: everything else refers to these."""
    _seed_locations(demo)
    _seed_suppliers(demo)
    _seed_products(demo)


def _seed_locations(demo: DemoBuilder) -> None:
    for key, name, kind in LOCATION_DATA:
        record = demo.add(LOCATIONS, {"name": name, "kind": kind, "active": True})
        demo.location_ids[key] = record.location_id
        demo.location_names[key] = name


def _seed_suppliers(demo: DemoBuilder) -> None:
    for key, name, contact, email, phone, rating, lead_time, active, notes in SUPPLIER_DATA:
        demo.suppliers[key] = demo.add(
            SUPPLIERS,
            {
                "name": name,
                "contact": contact,
                "email": email,
                "phone": phone,
                "rating": rating,
                "lead_time_days": lead_time,
                "active": active,
                "notes": notes,
            },
        )


def demo_barcode(index: int) -> str | None:
    """A manufacturer's EAN-13 for most products (country prefix 400); every seventh has none yet."""
    if index % 7 == 6:
        return None
    digits = f"400{5_000_000 + index * 37:09d}"
    total = sum(int(digit) * (3 if place % 2 else 1) for place, digit in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _seed_products(demo: DemoBuilder) -> None:
    for index, (sku, name, category, unit, unit_cost, price) in enumerate(CATALOGUE):
        demo.products[sku] = demo.add(
            PRODUCTS,
            {
                "sku": sku,
                "name": name,
                "category": category,
                "unit": unit,
                "unit_cost": unit_cost,
                "price": price,
                "active": sku not in DISCONTINUED,
                "supplier_id": demo.suppliers[USUAL_SUPPLIER[sku]].supplier_id,
                "pack_size": PACK_SIZE.get(sku),
                "min_order_qty": MIN_ORDER_QTY.get(USUAL_SUPPLIER[sku]),
                "do_not_reorder": sku in DISCONTINUED,
                "barcode": demo_barcode(index),
            },
        )


def lead_time_days(sku: str) -> int:
    """Days from ordering `sku` to receiving it: its usual supplier's lead time."""
    supplier = USUAL_SUPPLIER[sku]
    return next(days for key, *_, days, _active, _notes in SUPPLIER_DATA if key == supplier)


def order_quantity(sku: str, wanted: int) -> int:
    """`wanted` raised to the supplier's minimum order, then to whole cartons."""
    qty = max(wanted, MIN_ORDER_QTY.get(USUAL_SUPPLIER[sku], 1))
    pack = PACK_SIZE.get(sku, 1)
    return -(-qty // pack) * pack
