/*
 * briefing serve — live reload and the build-error overlay.
 *
 * `briefing serve` adds this script to every HTML page it answers (never to
 * a built site). The script tag says which output file the page is
 * (data-path) and which build it came from (data-generation,
 * data-instance). The script listens to /__briefing/events:
 *
 *   reload  {generation, paths, all}  reload if this page, or a file it
 *           loaded (stylesheet, script, image, search index), changed;
 *   ok      {generation}              the site builds: drop the overlay, and
 *           reload if this page is from an older build (events missed while
 *           disconnected, or a restarted server);
 *   error   {diagnostics}             the build failed: show every problem
 *           over the page until the next good build.
 *
 * Diagnostics are untrusted text: they reach the page through textContent
 * only, never as HTML.
 */
(function () {
  'use strict';

  const EVENTS_URL = '/__briefing/events';
  const OVERLAY_ID = 'briefing-live-overlay';
  const me = document.currentScript;
  const data = (me && me.dataset) || {};
  const pagePath = data.path || '';
  const instance = data.instance || '';
  let generation = Number(data.generation || 0);
  let source = null;
  let retryDelay = 1000;
  let retryTimer = 0;

  /** An output path (`a/b/index.html`) from a URL path (`/a/b/`). */
  function outputPath(pathname) {
    let path = pathname;
    try {
      path = decodeURIComponent(path);
    } catch (e) {
      // A malformed escape: compare it as it is.
    }
    if (path.endsWith('/')) path += 'index.html';
    return path.replace(/^\/+/, '');
  }

  /** This page and every same-origin file it has loaded. */
  function filesOfThisPage() {
    const files = new Set([pagePath, outputPath(location.pathname)]);
    for (const entry of performance.getEntriesByType('resource')) {
      try {
        const url = new URL(entry.name, location.href);
        if (url.origin === location.origin) files.add(outputPath(url.pathname));
      } catch (e) {
        // Not a URL: not ours.
      }
    }
    return files;
  }

  function parse(event) {
    try {
      return JSON.parse(event.data);
    } catch (e) {
      return null;
    }
  }

  function isStale(msg) {
    return msg.instance !== instance || msg.generation !== generation;
  }

  function onReload(msg) {
    hideOverlay();
    const mine = filesOfThisPage();
    const paths = Array.isArray(msg.paths) ? msg.paths : [];
    const missed = msg.instance !== instance || msg.generation > generation + 1;
    generation = msg.generation;
    if (msg.all || missed || paths.some((p) => mine.has(p))) location.reload();
  }

  function onOk(msg) {
    hideOverlay();
    if (isStale(msg)) location.reload();
  }

  function onError(msg) {
    showOverlay(Array.isArray(msg.diagnostics) ? msg.diagnostics : []);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  const STYLE = `
    :host { all: initial; }
    .backdrop { position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
      background: #101218; color: #e6e6e6;
      font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
    .panel { max-width: 960px; margin: 0 auto; padding: 32px 24px; }
    .head { display: flex; align-items: flex-start; justify-content: space-between; gap: 16px; }
    h2 { margin: 0 0 4px; font-size: 18px; color: #ff8080; }
    .note { margin: 0 0 20px; color: #b0b0b0; }
    button { font: inherit; color: #e6e6e6; background: #2a2d36; border: 1px solid #555;
      border-radius: 4px; padding: 4px 12px; cursor: pointer; }
    button:focus-visible { outline: 2px solid #80b0ff; outline-offset: 2px; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { margin: 0 0 20px; padding: 12px 16px; border-left: 3px solid #ff6060; background: #1d2028; }
    li.warning { border-left-color: #e0b040; }
    .where { color: #80b0ff; font-weight: bold; word-break: break-all; }
    .message { margin: 4px 0 0; white-space: pre-wrap; }
    pre { margin: 8px 0 0; padding: 8px; overflow: auto; background: #12141a; color: #d0d0d0;
      font: inherit; white-space: pre; }
  `;

  function showOverlay(diagnostics) {
    hideOverlay();
    const host = el('div');
    host.id = OVERLAY_ID;
    const root = host.attachShadow({ mode: 'open' });
    const style = el('style', '', STYLE);
    const backdrop = el('div', 'backdrop');
    const panel = el('div', 'panel');
    panel.setAttribute('role', 'alertdialog');
    panel.setAttribute('aria-modal', 'true');
    panel.setAttribute('aria-labelledby', 'briefing-overlay-title');
    panel.setAttribute('aria-describedby', 'briefing-overlay-note');
    const head = el('div', 'head');
    const titles = el('div');
    const count = diagnostics.length;
    const title = el('h2', '', 'The site does not build: ' + count + (count === 1 ? ' problem' : ' problems'));
    title.id = 'briefing-overlay-title';
    const note = el('p', 'note', 'Still showing the last good version. Fix the source and save: this page updates by itself.');
    note.id = 'briefing-overlay-note';
    titles.append(title, note);
    const close = el('button', '', 'Dismiss');
    close.type = 'button';
    close.addEventListener('click', hideOverlay);
    head.append(titles, close);
    const list = el('ol');
    for (const d of diagnostics) {
      const item = el('li', d.severity === 'warning' ? 'warning' : 'error');
      item.append(el('div', 'where', d.path + ':' + d.line + ':' + d.col));
      const label = d.severity === 'warning' ? 'warning: ' : 'error: ';
      item.append(el('p', 'message', label + d.message));
      if (d.snippet) item.append(el('pre', '', d.snippet));
      list.append(item);
    }
    panel.append(head, list);
    backdrop.append(panel);
    root.append(style, backdrop);
    (document.body || document.documentElement).append(host);
    close.focus();
  }

  function hideOverlay() {
    const host = document.getElementById(OVERLAY_ID);
    if (host) host.remove();
  }

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hideOverlay();
  });

  function listen(name, handler) {
    source.addEventListener(name, (event) => {
      const msg = parse(event);
      if (msg) handler(msg);
    });
  }

  function connect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    source = new EventSource(EVENTS_URL);
    listen('reload', onReload);
    listen('ok', onOk);
    listen('error', onError);
    source.onopen = () => {
      retryDelay = 1000;
    };
    source.onerror = () => {
      // The browser retries by itself unless it gave up (a refused
      // connection, an error status): then try again, more slowly each time.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        retryTimer = setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 10000);
      }
    };
  }

  // Let go of the connection when leaving: browsers allow only a few per host.
  window.addEventListener('pagehide', () => {
    clearTimeout(retryTimer);
    if (source) source.close();
    source = null;
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) connect();
  });

  connect();
})();
