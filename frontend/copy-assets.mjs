// Copy vendored files out of node_modules:
// - the GOV.UK Frontend script (MIT licence) into static/js/vendor/ for the site;
// - axe-core (MPL-2.0, licence copied alongside) into tests/browser/vendor/ for the
//   browser tests' accessibility checks.
// No fonts or images are copied: the stylesheet uses system fonts and the service has
// its own favicon, so nothing else from GOV.UK Frontend is referenced.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

function version(name) {
  return JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
}

mkdirSync("../static/js/vendor", { recursive: true });
// The source map is not vendored, so drop the comment that would make browsers ask for it.
const govukScript = readFileSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "utf8");
writeFileSync(
  "../static/js/vendor/govuk-frontend.min.js",
  govukScript.replace(/\/\/# sourceMappingURL=\S+\s*$/, "").trimEnd() + "\n",
);
console.log(`Copied govuk-frontend ${version("govuk-frontend")} to static/js/vendor/`);

mkdirSync("../tests/browser/vendor", { recursive: true });
copyFileSync("node_modules/axe-core/axe.min.js", "../tests/browser/vendor/axe.min.js");
copyFileSync("node_modules/axe-core/LICENSE", "../tests/browser/vendor/axe-core.LICENSE");
console.log(`Copied axe-core ${version("axe-core")} to tests/browser/vendor/`);
