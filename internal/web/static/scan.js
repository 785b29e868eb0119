// scan.js: reading a receipt's QR code with the camera, for the hub's
// pickup page and the consumer's pledge page. Served by the node itself (no
// CDN), with no build step.
//
// A form with data-scan="FIELD" gets a "Scan" button when the browser has
// the BarcodeDetector API and a camera: the video shows in #scanner, and
// the first QR code holding a receipt code (GX1…) fills the field FIELD.
// Without them the field is typed or pasted as before.
//
// A form with data-hash="FIELD" (the pledge page) takes the receipt code
// from the address's fragment (#GX1…: the receipt's QR code leads there;
// browsers never send the fragment to a server), removes it from the
// address and history, and submits the form.
(function () {
  'use strict';
  var codeRe = /GX1[A-Za-z0-9_-]{88}/;

  function codeOf(text) {
    var m = codeRe.exec(text || '');
    return m ? m[0] : '';
  }

  var hashForm = document.querySelector('form[data-hash]');
  if (hashForm && location.hash.length > 1) {
    var fromHash = codeOf(decodeURIComponent(location.hash.slice(1)));
    if (fromHash) {
      hashForm.elements[hashForm.getAttribute('data-hash')].value = fromHash;
      history.replaceState(null, '', location.pathname);
      hashForm.submit();
      return;
    }
  }

  var form = document.querySelector('form[data-scan]');
  var start = document.getElementById('scan-start');
  var box = document.getElementById('scanner');
  var video = document.getElementById('scan-video');
  var status = document.getElementById('scan-status');
  if (!form || !start || !box || !video || !('BarcodeDetector' in window) ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var field = form.elements[form.getAttribute('data-scan')];
  var stream = null;
  var timer = 0;

  function stop() {
    if (timer) { clearInterval(timer); timer = 0; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.srcObject = null;
  }

  function say(key) { status.textContent = box.getAttribute(key) || ''; }

  start.hidden = false;
  start.addEventListener('click', function () {
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    } catch (e) {
      box.hidden = false;
      say('data-msg-denied');
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (s) {
      stream = s;
      box.hidden = false;
      video.srcObject = s;
      video.play();
      say('data-msg-start');
      var busy = false;
      timer = setInterval(function () {
        if (busy || video.readyState < 2) { return; }
        busy = true;
        detector.detect(video).then(function (codes) {
          busy = false;
          for (var i = 0; i < codes.length; i++) {
            var code = codeOf(codes[i].rawValue);
            if (code) {
              stop();
              field.value = code;
              say('data-msg-found');
              if (form.hasAttribute('data-hash')) { form.submit(); } else { field.focus(); }
              return;
            }
          }
        }, function () { busy = false; });
      }, 250);
    }, function () {
      box.hidden = false;
      say('data-msg-denied');
    });
  });
  window.addEventListener('pagehide', stop);
})();
