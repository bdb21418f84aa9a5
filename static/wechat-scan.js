// The fair check-in page opened in WeChat: WeChat's own scanner reads the worker's QR code.
// The wx.config signature comes from the server (/wechat/jsapi-config); the button shows once WeChat is ready.
(function () {
  var button = document.getElementById("wechat-scan");
  if (!button || !window.wx || !window.fetch) { return; }
  var page = location.href.split("#")[0];
  fetch(button.getAttribute("data-config-url") + "?url=" + encodeURIComponent(page), {credentials: "same-origin"})
    .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
    .then(function (config) {
      window.wx.config({debug: false, appId: config.appId, timestamp: config.timestamp, nonceStr: config.nonceStr,
                        signature: config.signature, jsApiList: config.jsApiList});
      window.wx.ready(function () { button.hidden = false; });
    })
    .catch(function () { /* typing the phone or ID number still works */ });
  button.addEventListener("click", function () {
    window.wx.scanQRCode({needResult: 1, scanType: ["qrCode"], success: function (result) {
      var token = document.getElementById("token");
      token.value = result.resultStr;
      token.form.submit();
    }});
  });
})();
