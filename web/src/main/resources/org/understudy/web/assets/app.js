/*
 * Understudy console: follows the page's live view over Server-Sent Events and swaps in the fragments the node
 * renders (the server escapes every value; this script only places its HTML). After a reconnect the node sends the
 * whole view again, so nothing missed while away stays missing. No inline script: loaded from the node itself.
 */
(function () {
  'use strict';
  var handlers = {};
  var source = null;
  var body = document.body;
  var view = body.getAttribute('data-live');

  /* Other scripts (graphs.js) register for named events before the stream opens. */
  window.understudyOn = function (name, fn) {
    (handlers[name] = handlers[name] || []).push(fn);
  };

  function setState(s) {
    var el = document.getElementById('live-state');
    if (el) {
      el.textContent = s;
      el.className = 'live-state live-' + s;
    }
    body.setAttribute('data-live-state', s);
  }

  function onFragment(ev) {
    var nl = ev.data.indexOf('\n');
    var el = document.getElementById(ev.data.substring(0, nl));
    if (el) {
      el.innerHTML = ev.data.substring(nl + 1);
    }
    body.setAttribute('data-updated', String(Date.now()));
  }

  function connect() {
    source = new EventSource('/live?view=' + encodeURIComponent(view));
    source.onopen = function () { setState('live'); };
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        /* refused (session ended, node restarted): a reload lands on the login page if need be */
        setState('offline');
        setTimeout(function () { location.reload(); }, 3000);
      } else {
        setState('reconnecting');
      }
    };
    source.addEventListener('fragment', onFragment);
    source.addEventListener('expired', function () {
      source.close();
      location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
    });
    Object.keys(handlers).forEach(function (name) {
      handlers[name].forEach(function (fn) { source.addEventListener(name, fn); });
    });
  }

  /* A forced failover's button stays disabled until the primary's name is typed. */
  function confirmations() {
    var forms = document.querySelectorAll('form[data-confirm-name]');
    Array.prototype.forEach.call(forms, function (f) {
      var input = f.querySelector('input.confirm');
      var button = f.querySelector('button');
      var check = function () { button.disabled = input.value !== f.getAttribute('data-confirm-name'); };
      input.addEventListener('input', check);
      check();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    confirmations();
    if (view && window.EventSource) {
      setState('connecting');
      connect();
    }
  });
})();
