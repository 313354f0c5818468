// The search page: finds articles in folio's index (data-index), fetching only the parts a
// query needs: meta.json, the shards of its words, the records of the results shown. Loaded
// by the search page alone; without it the page is a plain form. Format: docs/themes.md.
(() => {
  "use strict";
  const root = document.querySelector(".search-page");
  if (!root || !window.fetch || !window.TextDecoder) return;
  const form = root.querySelector("form");
  const { q: input, tag: tagSelect, author: authorSelect } = form.elements;
  const status = root.querySelector(".search-status");
  try {
    new DecompressionStream("deflate-raw");
  } catch (e) {
    status.textContent = "Search needs a newer browser.";
    return;
  }
  const list = root.querySelector(".search-results");
  const more = root.querySelector(".search-more");
  const PAGE = 10;
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  const files = new Map();
  let meta = null;
  let run = 0;
  let found = [];
  let forms = new Set();
  let timer = 0;

  // A file of the index, fetched once; `?v=` keeps two builds' files from mixing in caches.
  const get = (path, read) => {
    const url = root.dataset.index + path + (meta ? "?v=" + meta.version : "");
    if (!files.has(url)) {
      const init = meta ? {} : { cache: "no-cache" };
      files.set(url, fetch(url, init).then((r) => {
        if (!r.ok) throw new Error(url + ": " + r.status);
        return read(r);
      }).catch((e) => { files.delete(url); throw e; }));
    }
    return files.get(url);
  };
  const json = (r) => r.json(), bytes = (r) => r.arrayBuffer();
  // An article's record: one of the few in its file, each compressed on its own.
  const record = async (doc) => {
    const per = meta.docs_per_file, r = reader(await get("doc/" + Math.floor(doc / per) + ".bin", bytes));
    for (let n = doc % per; n > 0; n--) r.bytes(r.num());
    const packed = new Blob([r.bytes(r.num())]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(packed).json();
  };
  const loadMeta = async () => {
    if (meta) return meta;
    const m = await get("meta.json", json);
    if (m.format !== 1) throw new Error("index format " + m.format);
    meta = m;
    fill(tagSelect, m.tags);
    fill(authorSelect, m.authors);
    root.querySelector(".search-filters").hidden = false;
    return m;
  };
  const fill = (select, options) => {
    const chosen = new URLSearchParams(location.search).get(select.name);
    for (const o of options) select.add(new Option(o.name + " (" + o.count + ")", o.key, false, o.key === chosen));
  };

  // Words as the index cuts them: letters and digits, 2 to 32 characters, lowercase.
  const wordsOf = (text) => (text.match(WORD) || []).filter((w) => {
    const n = [...w].length;
    return n >= 2 && n <= 32;
  }).map((w) => w.toLowerCase());

  // Code point order, the index's order (JavaScript's own `<` compares UTF-16 units).
  const cmp = (a, b) => {
    for (let i = 0, j = 0; ; ) {
      if (i >= a.length || j >= b.length) return (i < a.length) - (j < b.length);
      const x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
  };
  // The shard holding `word`: the last whose first word is not after it.
  const shardOf = (word) => {
    let lo = 0, hi = meta.shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cmp(meta.shards[mid], word) <= 0) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  // Reads the index's binary files: LEB128 numbers, strings as byte length + UTF-8.
  const reader = (buffer) => {
    const b = new Uint8Array(buffer), text = new TextDecoder();
    let at = 0;
    const r = {
      num: () => {
        let n = 0, shift = 0, x;
        do { x = b[at++]; n += (x & 127) * 2 ** shift; shift += 7; } while (x > 127);
        return n;
      },
      byte: () => b[at++],
      bytes: (n) => b.subarray(at, (at += n)),
      str: () => text.decode(r.bytes(r.num())),
    };
    return r;
  };
  // A shard: each stem's postings as [article, weight, ...], and each word's stem.
  const shard = (n) => get("shard/" + n + ".bin", bytes).then((buffer) => {
    if (buffer.parsed) return buffer.parsed;
    const r = reader(buffer), s = { stems: [], byStem: new Map(), words: new Map() };
    for (let n = r.num(); n > 0; n--) {
      s.byStem.set(r.str(), s.stems.length);
      const postings = [];
      for (let c = r.num(), doc = 0; c > 0; c--) postings.push((doc += r.num()), r.byte());
      s.stems.push(postings);
    }
    for (let n = r.num(); n > 0; n--) s.words.set(r.str(), r.num());
    return (buffer.parsed = s);
  });

  // One word of the query → article → score. The word itself, or the longest start of it
  // (3+ characters, 60%+) that the site has as a word or stem; the word being typed also
  // matches the words it begins.
  const matchWord = async (word, typing, seen) => {
    const chars = [...word], hits = [];
    for (let n = chars.length, min = Math.min(n, Math.max(3, Math.ceil(n * 0.6))); n >= min; n--) {
      const start = chars.slice(0, n).join(""), s = await shard(shardOf(start));
      const stem = s.words.has(start) ? s.words.get(start) : s.byStem.get(start);
      if (stem !== undefined) { hits.push([s, stem, 1]); break; }
    }
    if (typing && chars.length >= 3) {
      const first = shardOf(word), last = shardOf(word + "\u{10ffff}");
      for (let n = first; n <= last && last - first < 3; n++) {
        const s = await shard(n);
        for (const [w, stem] of s.words) {
          if (w.startsWith(word) && w !== word) hits.push([s, stem, chars.length / [...w].length]);
        }
      }
    }
    const scores = new Map();
    for (const [s, stem, factor] of hits) {
      const p = s.stems[stem], df = p.length / 2;
      const idf = Math.log(1 + (meta.docs - df + 0.5) / (df + 0.5));
      for (let i = 0; i < p.length; i += 2) {
        const score = idf * p[i + 1] * factor;
        if (!(scores.get(p[i]) >= score)) scores.set(p[i], score);
      }
      for (const [w, st] of s.words) if (st === stem) seen.add(w);
    }
    return scores;
  };
  // The articles of the tag or author chosen in `select` (null for "any").
  const members = async (select, kind) => {
    const n = meta[kind].findIndex((o) => o.key === select.value);
    if (n < 0) return null;
    const r = reader(await get(kind.slice(0, -1) + "/" + n + ".bin", bytes)), docs = new Set();
    for (let c = r.num(), doc = 0; c > 0; c--) docs.add((doc += r.num()));
    return docs;
  };

  const search = async () => {
    const mine = ++run, query = input.value, words = wordsOf(query), seen = new Set();
    const typing = /[\p{Alphabetic}\p{N}]$/u.test(query);
    syncUrl(query);
    if (!words.length && !tagSelect.value && !authorSelect.value) {
      status.textContent = "";
      list.textContent = "";
      more.hidden = true;
      return;
    }
    list.setAttribute("aria-busy", "true");
    try {
      await loadMeta();
      const [tagged, byAuthor, ...perWord] = await Promise.all([
        members(tagSelect, "tags"), members(authorSelect, "authors"),
        ...words.map((w, i) => matchWord(w, typing && i === words.length - 1, seen)),
      ]);
      if (mine !== run) return;
      // Every word must match; with no words, the filters list their articles, newest first.
      let scores = perWord.length ? perWord[0] : new Map([...Array(meta.docs).keys()].map((d) => [d, 0]));
      for (const next of perWord.slice(1)) {
        scores = new Map([...scores].filter(([d]) => next.has(d)).map(([d, s]) => [d, s + next.get(d)]));
      }
      found = [...scores].filter(([d]) => (!tagged || tagged.has(d)) && (!byAuthor || byAuthor.has(d)))
        .sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([d]) => d);
      forms = seen;
      await show(mine, true);
    } catch (e) {
      if (mine === run) status.textContent = "Search is not available right now. Please try again later.";
    } finally {
      if (mine === run) list.removeAttribute("aria-busy");
    }
  };
  const describe = () => {
    const q = input.value.trim(), parts = [];
    if (q) parts.push("for “" + q + "”");
    for (const s of [tagSelect, authorSelect]) {
      if (s.value) parts.push((s === tagSelect ? "tagged " : "by ") + s.selectedOptions[0].text.replace(/ \(\d+\)$/, ""));
    }
    return parts.join(" ");
  };
  // Shows the next page of results (or the first, replacing the list), with their records.
  const show = async (mine, first) => {
    const start = first ? 0 : list.children.length, page = found.slice(start, start + PAGE);
    const records = await Promise.all(page.map(record));
    if (mine !== run) return start;
    if (first) list.textContent = "";
    list.append(...records.map(result));
    const n = found.length;
    status.textContent = n ? n + (n === 1 ? " result " : " results ") + describe() : "No results " + describe() + ".";
    more.hidden = list.children.length >= n;
    return start;
  };
  const el = (tag, className, text) => {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text) e.textContent = text;
    return e;
  };
  const result = (r) => {
    const li = el("li", "search-result"), h = el("h2", "search-result-title"), a = el("a", "", r.title);
    a.href = r.url;
    h.append(a);
    const info = el("p", "search-result-meta", "by " + r.authors.join(", ") + " · ");
    const time = el("time", "", r.date_display);
    time.dateTime = r.date;
    info.append(time);
    li.append(h, info, excerpt(r));
    return li;
  };
  // About `excerpt_words` words of the body around the most matches (else of the summary),
  // the matched words in <mark>. Built from text nodes: nothing in the text becomes markup.
  const excerpt = (r) => {
    const p = el("p", "search-result-excerpt"), size = meta.excerpt_words;
    let text = r.body, tokens = tokenize(text);
    if (!tokens.some((t) => t.hit)) { text = r.summary; tokens = tokenize(text); }
    let from = 0, best = -1;
    tokens.forEach((t, i) => {
      if (!t.hit) return;
      const s = Math.max(0, i - 3), hits = tokens.slice(s, s + size).filter((x) => x.hit).length;
      if (hits > best) { best = hits; from = s; }
    });
    const shown = tokens.slice(from, from + size);
    if (!shown.length) return p;
    let at = shown[0].start;
    if (from > 0) p.append("… ");
    for (const t of shown) {
      p.append(text.slice(at, t.start));
      p.append(t.hit ? el("mark", "", t.word) : t.word);
      at = t.end;
    }
    if (from + size < tokens.length) p.append(" …");
    return p;
  };
  const tokenize = (text) => [...text.matchAll(WORD)].map((m) => ({
    word: m[0], start: m.index, end: m.index + m[0].length, hit: forms.has(m[0].toLowerCase()),
  }));
  const syncUrl = (query) => {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    if (tagSelect.value) params.set("tag", tagSelect.value);
    if (authorSelect.value) params.set("author", authorSelect.value);
    const s = params.toString();
    history.replaceState(null, "", location.pathname + (s ? "?" + s : ""));
  };

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 120); });
  input.addEventListener("focus", () => loadMeta().catch(() => {}), { once: true });
  tagSelect.addEventListener("change", search);
  authorSelect.addEventListener("change", search);
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); search(); });
  more.addEventListener("click", async () => {
    const start = await show(run, false);
    const link = list.children[start] && list.children[start].querySelector("a");
    if (link) link.focus();
  });
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  if (input.value || params.get("tag") || params.get("author")) {
    loadMeta().then(search, () => { status.textContent = "Search is not available right now."; });
  }
})();
