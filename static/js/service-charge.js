// The request form shows the ELP service charge on the terms being typed.
// Without this script the charge's rule is shown, and its amount once the form is sent; with
// it, the same page is fetched with the typed quantity and price, and its charge block
// replaces this one. The server works the amount out: the formula lives in one place.

const charge = document.getElementById("service-charge");
const form = charge && charge.closest("form");
const WAIT_MS = 300;

if (form && window.fetch && window.DOMParser) {
  let timer = null;
  let latest = 0;

  const update = async () => {
    const params = new URLSearchParams();
    for (const name of ["quantity", "price"]) {
      const field = form.elements.namedItem(name);
      if (field && field.value.trim() !== "") params.append(name, field.value.trim());
    }
    const request = ++latest;
    let response;
    try {
      response = await fetch(window.location.pathname + "?" + params.toString(), {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
      });
    } catch (error) {
      return; // offline: the charge is worked out when the form is sent
    }
    if (!response.ok || request !== latest) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("service-charge");
    const current = document.getElementById("service-charge");
    // Replace only the words, so the live region announces the change.
    if (fresh && current && fresh.innerHTML !== current.innerHTML) current.innerHTML = fresh.innerHTML;
  };

  for (const name of ["quantity", "price"]) {
    const field = form.elements.namedItem(name);
    if (!field) continue;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, WAIT_MS);
    });
  }
}
