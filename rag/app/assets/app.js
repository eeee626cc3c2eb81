// [n] links in answers scroll the article panel to sentence n and flash it; after each
// answer the first cited sentence is scrolled into the panel's view.
(() => {
  const scrollTo = (n, flash) => {
    const el = document.getElementById("sent-" + n);
    if (!el) return false;
    const box = el.closest(".rag-article");
    if (box) box.scrollTo({ top: Math.max(0, el.offsetTop - box.clientHeight / 3), behavior: "smooth" });
    if (flash) {
      if (box) box.scrollIntoView({ block: "nearest", behavior: "smooth" });
      el.classList.remove("flash");
      void el.offsetWidth; // restart the animation
      el.classList.add("flash");
    }
    return true;
  };
  window.ragScrollTo = scrollTo;
  window.ragScrollToCited = () => {
    // The panel re-renders after the answer; wait for the new HTML before scrolling.
    let tries = 0;
    const tick = () => {
      const el = document.querySelector(".rag-article .sent.cited");
      if (el) scrollTo(el.dataset.n, false);
      else if (tries++ < 20) setTimeout(tick, 50);
    };
    tick();
  };
  document.addEventListener(
    "click",
    (ev) => {
      const link = ev.target.closest && ev.target.closest("a.cite, a[href^='#sent-']");
      if (!link) return;
      const n = link.dataset.n || (link.getAttribute("href") || "").replace("#sent-", "");
      ev.preventDefault();
      ev.stopPropagation();
      scrollTo(n, true);
    },
    true,
  );
})();
