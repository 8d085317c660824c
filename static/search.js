/*
 * briefing — client-side search for templates/search.html.
 *
 * Reads the index URL from this script's own `data-index` attribute (so the
 * site works under any base path), fetches `search-index.json` once and
 * searches it as the reader types. Index entries, newest first:
 *   t title, u URL, d ISO date, ds display date, s summary, k key points,
 *   w takeaway (optional), g tags, c companies, b plain-text body (cut).
 * The index is treated as untrusted: it only ever reaches the page through
 * textContent and createElement, never as HTML.
 */
(function () {
  'use strict';

  const MAX_RESULTS = 20;
  const DEBOUNCE_MS = 60;
  const EXCERPT_BEFORE = 70;
  const EXCERPT_LENGTH = 220;
  // Field weights: a word in the title says more than one in the body.
  const WEIGHTS = { title: 16, points: 8, terms: 4, summary: 2, body: 1 };

  const script = document.currentScript || document.querySelector('script[data-index]');
  const byId = (id) => document.getElementById(id);
  const [input, status, list, failure] = ['search-input', 'search-status', 'search-results', 'search-error'].map(byId);
  const form = input && input.form;
  if (!script || !form || !status || !list) return;
  const indexUrl = script.getAttribute('data-index');
  let entries = [];
  let loading = null;
  let timer = 0;

  /** Lower case, accents removed: "Élan" and "elan" match each other.
   *  Final sigma is folded too, so folding a word and folding it letter by
   *  letter (as foldMapped does) agree. */
  function fold(text) {
    return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/ς/g, 'σ');
  }

  /** `text` folded character by character, with the index in `text` of
   *  each folded code unit, so a match can be marked in the original. */
  function foldMapped(text) {
    let folded = '';
    let i = 0;
    const map = [];
    for (const ch of text) {
      const f = fold(ch);
      folded += f;
      map.push(...Array(f.length).fill(i));
      i += ch.length;
    }
    map.push(i);
    return { folded, map };
  }

  const str = (v) => (typeof v === 'string' ? v : '');
  const strs = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

  /** One index entry, checked and with its folded search fields. */
  function prepare(raw, order) {
    const e = { order, title: str(raw.t), url: str(raw.u), iso: str(raw.d), date: str(raw.ds),
      summary: str(raw.s), takeaway: str(raw.w), body: str(raw.b).replace(/\s+/g, ' ').trim() };
    e.fields = {
      title: fold(e.title),
      points: fold(strs(raw.k).join('\n') + '\n' + e.takeaway),
      terms: fold(strs(raw.g).concat(strs(raw.c)).join('\n')),
      summary: fold(e.summary),
      body: fold(e.body),
    };
    return e;
  }

  /** Fetches the index once; after a failure, the next search tries again. */
  function load() {
    loading = loading || fetch(indexUrl, { credentials: 'same-origin' })
      .then((response) => {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then((data) => {
        if (!Array.isArray(data)) throw new Error('the index is not a list');
        entries = data.filter((x) => x && typeof x === 'object').map(prepare);
        if (failure) failure.hidden = true;
      })
      .catch((err) => {
        loading = null;
        list.replaceChildren();
        // The page's alert box says it with links elsewhere; a theme
        // without one still gets a message.
        if (failure) failure.hidden = false;
        status.textContent = failure ? '' : 'Search is unavailable: the index could not be loaded.';
        throw err;
      });
    return loading;
  }

  /** Query words, folded, without surrounding punctuation, each once. */
  function termsOf(query) {
    const words = fold(query).split(/\s+/)
      .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
      .filter(Boolean);
    return Array.from(new Set(words));
  }

  /** 2 when `term` starts a word of `text`, 1 when it is only inside one, 0 when absent. */
  function strength(text, term) {
    let found = 0;
    for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
      if (at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1])) return 2;
      found = 1;
    }
    return found;
  }

  /** Score of an entry: every term must match somewhere (AND); each term
   *  counts for the best field it appears in. 0 means no match. */
  function score(e, terms) {
    let total = 0;
    for (const term of terms) {
      let best = 0;
      for (const name of Object.keys(WEIGHTS)) {
        best = Math.max(best, WEIGHTS[name] * strength(e.fields[name], term));
      }
      if (best === 0) return 0;
      total += best;
    }
    return total;
  }

  /** Appends `text` to `parent`, wrapping every occurrence of a term in <mark>. */
  function appendMarked(parent, text, terms) {
    const { folded, map } = foldMapped(text);
    const spans = [];
    for (const term of terms) {
      for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + 1)) {
        spans.push([map[at], map[at + term.length]]);
      }
    }
    spans.sort((a, b) => a[0] - b[0]);
    let pos = 0;
    for (const [start, end] of spans) {
      if (end <= pos) continue; // Inside a mark already made.
      const from = Math.max(start, pos);
      parent.append(text.slice(pos, from), el('mark', '', text.slice(from, end)));
      pos = end;
    }
    if (pos < text.length) parent.append(text.slice(pos));
  }

  /** A stretch of the body around its first match, on word boundaries;
   *  empty when only other fields matched (the lead already shows them). */
  function excerpt(e, terms) {
    // Folding can change lengths (Hangul, some capitals): map back.
    const { folded, map } = foldMapped(e.body);
    const hits = terms.map((t) => folded.indexOf(t)).filter((i) => i >= 0);
    if (!hits.length) return '';
    const body = e.body;
    const first = map[Math.min(...hits)];
    let start = Math.max(0, first - EXCERPT_BEFORE);
    let end = Math.min(body.length, start + EXCERPT_LENGTH);
    if (start > 0) {
      const space = body.indexOf(' ', start);
      if (space >= 0 && space < first) start = space + 1;
    }
    if (end < body.length) {
      const space = body.lastIndexOf(' ', end);
      if (space > first) end = space;
    }
    return (start > 0 ? '… ' : '') + body.slice(start, end).trim() + (end < body.length ? ' …' : '');
  }

  /** A new element; text only ever goes in as textContent. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /** One result: date, title link, takeaway or summary, body excerpt. */
  function resultItem(e, terms) {
    const li = el('li', 'search-result');
    const time = el('time', '', e.date || e.iso);
    if (e.iso) time.dateTime = e.iso;
    const link = el('a');
    link.href = e.url;
    appendMarked(link, e.title, terms);
    li.append(el('p', 'search-result-meta'), el('h2', 'search-result-title'));
    li.firstChild.append(time);
    li.lastChild.append(link);
    const lead = e.takeaway || e.summary;
    if (lead) li.append(el('p', 'search-result-lead', lead));
    const text = excerpt(e, terms);
    if (text) {
      const p = el('p', 'search-result-excerpt');
      appendMarked(p, text, terms);
      li.append(p);
    }
    return li;
  }

  /** Ranks the index against `query` and lists the best matches. */
  function show(query) {
    const terms = termsOf(query);
    list.replaceChildren();
    if (!terms.length) {
      status.textContent = '';
      return;
    }
    const found = entries
      .map((e) => ({ e, s: score(e, terms) }))
      .filter((r) => r.s > 0)
      .sort((a, b) => b.s - a.s || a.e.order - b.e.order);
    const shown = found.slice(0, MAX_RESULTS);
    list.append(...shown.map((r) => resultItem(r.e, terms)));
    const n = found.length;
    const quoted = '“' + query.trim() + '”';
    status.textContent = !n ? `No briefings match ${quoted}.`
      : n > shown.length ? `Showing the top ${shown.length} of ${n} briefings matching ${quoted}.`
        : `${n} briefing${n === 1 ? ' matches' : 's match'} ${quoted}.`;
  }

  /** Keeps `?q=` in the address in step with the box, so a search can be shared. */
  function remember(query) {
    const url = new URL(window.location.href);
    if (query.trim()) url.searchParams.set('q', query);
    else url.searchParams.delete('q');
    if (url.href !== window.location.href) history.replaceState(history.state, '', url.href);
  }

  /** Searches now for what the box holds. */
  function run() {
    clearTimeout(timer);
    remember(input.value);
    // The box may have changed while the index loaded: show what it holds now.
    load().then(() => show(input.value), () => {});
  }

  /** Down and Up move between the box and the result links (Enter then
   *  follows the focused link); Escape goes back to the box, then clears it. */
  function onKey(event) {
    const all = Array.from(list.querySelectorAll('.search-result-title a'));
    const at = all.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!all.length || (at < 0 && event.target !== input)) return;
      event.preventDefault();
      const next = event.key === 'ArrowDown' ? Math.min(at + 1, all.length - 1) : at - 1;
      (next < 0 ? input : all[next]).focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (at >= 0) input.focus();
      else if (input.value) { input.value = ''; run(); }
    }
  }

  form.addEventListener('submit', (event) => { event.preventDefault(); run(); });
  form.addEventListener('keydown', onKey);
  list.addEventListener('keydown', onKey);
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  input.addEventListener('focus', () => { load().catch(() => {}); }, { once: true });

  // `?q=` (a shared link, or the no-JavaScript form submit) runs at once;
  // so does a value the browser restored on going back.
  const initial = new URLSearchParams(window.location.search).get('q');
  if (initial) input.value = initial;
  if (input.value) run();
})();
