// The layout checks the gallery runs inside the page, at each window size. Passed to
// page.evaluate, so this function must not use anything from its module scope.
//
// - overflow: the document, or a button / cell / heading / label whose content is wider than
//   its box (scrollWidth > clientWidth), i.e. text cut off or sticking out.
// - wraps: a short word broken over two lines, e.g. 「更/新」, 「残り日/数」, 「このパソ/コン」,
//   in a button, table header or cell, heading, label or term. A "word" is a run of at most
//   12 characters between spaces and punctuation; longer runs are sentences, which may wrap.
// - primary: the screen's primary controls must lie inside the window at scroll 0.
export function layoutChecks(primary) {
  const out = { overflow: [], wraps: [], primary: [] };
  const name = (el) => {
    const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ');
    return `<${el.tagName.toLowerCase()}> 「${text.slice(0, 40)}」`;
  };
  const shown = (el) => el.getClientRects().length > 0 && !el.closest('.visually-hidden');
  window.scrollTo(0, 0);

  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) {
    out.overflow.push(`the document is ${doc.scrollWidth}px wide in a ${doc.clientWidth}px window`);
  }
  const boxes = 'button, th, td, h1, h2, h3, h4, label, legend, dt, dd, summary, li, p';
  for (const el of document.querySelectorAll(boxes)) {
    if (!shown(el) || el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      out.overflow.push(`${name(el)} needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
    }
  }

  // Each character's line, from its own rectangle; a new line starts when a character sits
  // lower than the previous one by more than half the font size.
  const SEPARATORS = /[\s（）()「」、。，,・:：—–\-/]/;
  const labels = 'button, th, td, h1, h2, h3, h4, label, legend, dt';
  const skip = '.hint, .technical, .visually-hidden, .mono';
  for (const el of document.querySelectorAll(labels)) {
    if (!shown(el)) continue;
    const chars = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest(skip)) continue;
      // Nested labels are checked on their own.
      if (node.parentElement?.closest(labels) !== el) continue;
      const range = document.createRange();
      for (let i = 0; i < node.data.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const r = range.getClientRects()[0];
        chars.push({ c: node.data[i], top: r ? r.top : null });
      }
      chars.push({ c: ' ', top: null });
    }
    const half = parseFloat(getComputedStyle(el).fontSize) / 2;
    let line = 0;
    let lineTop = null;
    let word = [];
    const flush = () => {
      const lines = new Set(word.map((w) => w.line));
      if (word.length >= 2 && word.length <= 12 && lines.size > 1) {
        const text = word.map((w, i) => (i > 0 && w.line !== word[i - 1].line ? '/' : '') + w.c).join('');
        out.wraps.push(`${name(el)} breaks 「${text}」`);
      }
      word = [];
    };
    for (const ch of chars) {
      if (ch.top !== null) {
        if (lineTop === null) lineTop = ch.top;
        else if (ch.top > lineTop + half) {
          line++;
          lineTop = ch.top;
        }
      }
      if (SEPARATORS.test(ch.c) || ch.top === null) flush();
      else word.push({ c: ch.c, line });
    }
    flush();
  }

  for (const selector of primary) {
    const el = [...document.querySelectorAll(selector)].find(shown);
    if (!el) {
      out.primary.push(`${selector}: not on the screen`);
      continue;
    }
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight || r.right > window.innerWidth) {
      out.primary.push(
        `${name(el)} (${selector}) is at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}, ` +
          `outside the ${window.innerWidth}×${window.innerHeight} window`,
      );
    }
  }
  return out;
}
