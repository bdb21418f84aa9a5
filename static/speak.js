// 听一听: reads an offer aloud in Mandarin with the phone's own speech (Web Speech API, no server).
// The button stays hidden where the browser has no speechSynthesis; the page needs none of this.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance === "undefined") {
    return;
  }
  function chineseVoice() {
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      var lang = (voices[i].lang || "").replace("_", "-").toLowerCase();
      if (lang === "zh-cn") { return voices[i]; }
    }
    for (var j = 0; j < voices.length; j++) {
      if ((voices[j].lang || "").toLowerCase().indexOf("zh") === 0) { return voices[j]; }
    }
    return null;
  }
  var buttons = document.querySelectorAll("button[data-speak]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute("data-speak"));
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      window.speechSynthesis.cancel();
      var utterance = new window.SpeechSynthesisUtterance(source.textContent.trim());
      utterance.lang = "zh-CN";
      utterance.rate = 0.85;
      var voice = chineseVoice();
      if (voice) { utterance.voice = voice; }
      window.speechSynthesis.speak(utterance);
    });
  });
}());
