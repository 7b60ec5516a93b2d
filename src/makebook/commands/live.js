// make-book serve: reloads the web edition after each rebuild and scrolls back to the paragraph
// that was at the top of the window; shows a failed build's problems over the page. Added to the
// page as it is served, never written into the output folder.
(function () {
  'use strict';
  var KEY = 'make-book:position:' + location.pathname;

  // Every block of the book has an id: remember the first one still in view, and where it stood,
  // so a paragraph added above it does not move the reader.
  function save() {
    var blocks = document.querySelectorAll('main [id], header [id], nav [id], footer [id]');
    for (var i = 0; i < blocks.length; i++) {
      var box = blocks[i].getBoundingClientRect();
      if (box.bottom > 0 && box.height > 0) {
        sessionStorage.setItem(KEY, JSON.stringify({id: blocks[i].id, top: box.top, y: window.scrollY}));
        return;
      }
    }
    sessionStorage.setItem(KEY, JSON.stringify({id: null, top: 0, y: window.scrollY}));
  }

  function restore() {
    var saved = sessionStorage.getItem(KEY);
    if (!saved) { return; }
    sessionStorage.removeItem(KEY);
    var place = JSON.parse(saved);
    var block = place.id ? document.getElementById(place.id) : null;
    if (block) {
      window.scrollTo(0, window.scrollY + block.getBoundingClientRect().top - place.top);
    } else {
      window.scrollTo(0, place.y);
    }
  }

  var panel = null;
  var failing = false;  // a failed build's problems stay in view until a build succeeds
  function show(kind, text) {
    failing = kind === 'failed';
    if (!panel) {
      panel = document.createElement('div');
      panel.id = 'make-book-preview';
      panel.setAttribute('role', 'status');
      panel.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:2147483647;margin:0;' +
        'padding:.6rem 1rem;max-height:45vh;overflow:auto;font:13px/1.45 ui-monospace,monospace;' +
        'white-space:pre-wrap;box-shadow:0 -2px 8px rgba(0,0,0,.25)';
      document.body.appendChild(panel);
    }
    panel.style.background = kind === 'failed' ? '#fff1f0' : '#f4f4f4';
    panel.style.color = kind === 'failed' ? '#a40000' : '#333';
    panel.textContent = text;
    panel.hidden = false;
  }
  function hide() { if (panel) { panel.hidden = true; } }

  function failed(data) {
    show('failed', 'make-book: the book did not build; this page shows the last good one.\n\n' +
      data.problems.join('\n') + (data.problems.length ? '\n' : '') + data.error);
  }

  window.addEventListener('load', restore);
  var events = new EventSource('/_make-book/events');
  events.addEventListener('building', function () { if (!failing) { show('building', 'make-book: building…'); } });
  events.addEventListener('reload', function () { save(); location.reload(); });
  events.addEventListener('built', function () { failing = false; hide(); });
  events.addEventListener('failed', function (message) { failed(JSON.parse(message.data)); });
  window.makeBookPreview = {save: save, restore: restore};
}());
