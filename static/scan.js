// The scan field's browser side (pages/scan_field.py): the camera, the beep and buzz of a scan,
// and the scanned counts kept in localStorage until the server says they are saved.
(function () {
  "use strict";
  const PREFIX = "flowsheet-scan:";
  const ZXING = "/static/vendor/zxing-browser/zxing-browser.min.js";
  let audio = null;
  let running = null; // {stop()} of the camera scan in progress

  function beep(good) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = good ? "sine" : "square";
      tone.frequency.value = good ? 1200 : 220;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (good ? 0.12 : 0.45));
    } catch (error) {
      /* no sound on this device: the colour and the message still tell */
    }
  }

  function feedback(good) {
    beep(good);
    if (navigator.vibrate) navigator.vibrate(good ? 60 : [120, 80, 120]);
  }

  function remember(key, data) {
    try {
      localStorage.setItem(PREFIX + key, JSON.stringify(data));
    } catch (error) {
      /* private mode or full: the counts live on the page only */
    }
  }

  function recall(key) {
    try {
      const text = localStorage.getItem(PREFIX + key);
      return text ? JSON.parse(text) : null;
    } catch (error) {
      return null;
    }
  }

  function forget(key) {
    try {
      localStorage.removeItem(PREFIX + key);
    } catch (error) {
      /* nothing kept */
    }
  }

  // What was kept for `key` goes back to the server as the event `eventName` (nothing kept: no event).
  function restore(key, eventName) {
    const kept = recall(key);
    if (kept !== null) window.emitEvent(eventName, kept);
  }

  function loadZxing() {
    if (window.ZXingBrowser) return Promise.resolve(window.ZXingBrowser);
    return new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = ZXING;
      script.onload = function () { resolve(window.ZXingBrowser); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  async function withDetector(video, found) {
    const detector = new window.BarcodeDetector();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    await video.play();
    let stopped = false;
    async function look() {
      if (stopped) return;
      try {
        const codes = await detector.detect(video);
        if (codes.length) found(codes[0].rawValue);
      } catch (error) {
        /* a frame that could not be read: try the next one */
      }
      setTimeout(look, 250);
    }
    look();
    return { stop: function () { stopped = true; stream.getTracks().forEach(function (t) { t.stop(); }); } };
  }

  async function withZxing(video, found) {
    const library = await loadZxing();
    const reader = new library.BrowserMultiFormatReader();
    const controls = await reader.decodeFromConstraints(
      { video: { facingMode: "environment" } }, video, function (result) {
        if (result) found(result.getText());
      });
    return { stop: function () { controls.stop(); } };
  }

  // Watch the camera in <video id=videoId>; each code read is sent as the event `eventName`
  // (the same code again only after 1.5 s, so one label held in view counts once).
  async function startCamera(videoId, eventName) {
    stopCamera();
    const video = document.getElementById(videoId);
    let last = "", lastAt = 0;
    function found(code) {
      const now = Date.now();
      if (code === last && now - lastAt < 1500) return;
      last = code; lastAt = now;
      window.emitEvent(eventName, code);
    }
    try {
      const formats = window.BarcodeDetector && await window.BarcodeDetector.getSupportedFormats();
      running = formats && formats.length ? await withDetector(video, found) : await withZxing(video, found);
      return "";
    } catch (error) {
      return String((error && error.name) || error);
    }
  }

  function stopCamera() {
    if (running) running.stop();
    running = null;
  }

  window.flowsheetScan = { feedback, remember, recall, forget, restore, startCamera, stopCamera };
})();
