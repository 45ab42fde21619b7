// The search page updates its results as the user types or changes a filter.
// Without this script the page is an ordinary GET form; with it, the same page is fetched
// in the background, its results and filter counts replace the current ones, and the
// address bar keeps the search's URL so it can be shared or bookmarked.

const form = document.getElementById("search-form");
const WAIT_MS = 300;

if (form && window.fetch && window.DOMParser && window.history.replaceState) {
  let timer = null;
  let latest = 0;

  const searchUrl = () => {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (value !== "") params.append(name, value);
    }
    const query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  };

  const replaceFrom = (page, selector) => {
    const fresh = page.querySelector(selector);
    const current = document.querySelector(selector);
    if (fresh && current) current.replaceWith(fresh);
  };

  const update = async () => {
    const url = searchUrl();
    const request = ++latest;
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    } catch (error) {
      return; // offline: the Search button still works
    }
    if (!response.ok || request !== latest) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    replaceFrom(page, "#search-results");
    replaceFrom(page, "#selected-filters");
    replaceFrom(page, "#save-search-params");
    replaceFrom(page, "#max_price-count");
    replaceFrom(page, "#has_capacity-count");
    // Refresh the counts shown in each filter without replacing the controls in use.
    for (const select of form.querySelectorAll("select[data-facet]")) {
      const fresh = page.getElementById(select.id);
      if (!fresh) continue;
      Array.from(select.options).forEach((option, i) => {
        if (fresh.options[i]) option.textContent = fresh.options[i].textContent;
      });
    }
    window.history.replaceState(null, "", url);
    document.title = page.title;
    const count = document.getElementById("result-count");
    const status = document.getElementById("search-status");
    if (count && status) status.textContent = count.textContent.replace(/\s+/g, " ").trim();
  };

  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, WAIT_MS);
  };

  form.addEventListener("input", (event) => {
    if (event.target.matches("input[type=search], input[type=text]")) later();
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("select, input[type=checkbox]")) later();
  });
}
