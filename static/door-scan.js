// Fair door: scan a worker's check-in QR code with the phone's camera and post its token to the
// check-in form (getUserMedia + canvas + jsQR, all served from static/). Without a camera or
// without this script the page still works: staff type the phone, ID number or name.
(function () {
  "use strict";
  var scanner = document.getElementById("scanner");
  var form = document.getElementById("check-in-form");
  var media = navigator.mediaDevices;
  if (!scanner || !form || !media || typeof media.getUserMedia !== "function" || typeof window.jsQR !== "function") {
    // Browsers give the camera only to https pages (and localhost): say so instead of staying silent.
    var why = document.getElementById("scan-unavailable");
    if (why && window.isSecureContext === false) { why.hidden = false; }
    return;
  }
  var startButton = document.getElementById("scan-start");
  var video = document.getElementById("scan-video");
  var note = document.getElementById("scan-note");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  // The code just checked in is still in front of the camera: wait for the next one.
  var previous = scanner.getAttribute("data-previous") || "";
  scanner.hidden = false;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
  }

  function found(token) {
    stop();
    form.elements.token.value = token;
    note.textContent = note.getAttribute("data-found");
    form.submit();
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState >= 2 && video.videoWidth) {
      // A quarter of the frame's pixels is plenty for a code held up to the camera, and faster.
      var scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data && code.data !== previous) { found(code.data); return; }
    }
    window.requestAnimationFrame(tick);
  }

  function start() {
    note.textContent = note.getAttribute("data-starting");
    media.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (granted) {
      stream = granted;
      video.srcObject = granted;
      video.hidden = false;
      video.setAttribute("playsinline", "");
      video.play();
      startButton.hidden = true;
      note.textContent = note.getAttribute("data-scanning");
      window.requestAnimationFrame(tick);
    }).catch(function () {
      note.textContent = note.getAttribute("data-failed");
    });
  }

  startButton.addEventListener("click", start);
  window.addEventListener("pagehide", stop);
  if (scanner.hasAttribute("data-autostart")) { start(); }
}());
