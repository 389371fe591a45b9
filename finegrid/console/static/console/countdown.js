/* The countdown ticks in the browser between reloads; the server's text stays if scripts are off.
   A static file, not an inline script: the Content-Security-Policy runs scripts from 'self' only.
   The words come from the element's data-words, translated by the page. */
document.querySelectorAll(".countdown[data-running='1']").forEach(function (el) {
  var due = new Date(el.dataset.due), w = JSON.parse(el.dataset.words);
  function tick() {
    var s = Math.round((due - new Date()) / 1000), a = Math.abs(s);
    var d = Math.floor(a / 86400), h = Math.floor(a % 86400 / 3600), m = Math.floor(a % 3600 / 60);
    var span = d ? d + w.d + " " + h + w.h : h + w.h + " " + m + w.min;
    el.textContent = s < 0 ? w.overdue + " " + span : span + " " + w.left;
    if (s < 0) { el.className = "countdown due-red"; }
  }
  setInterval(tick, 30000);
});
