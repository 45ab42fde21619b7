// Enhance GOV.UK Frontend components (menu toggle, error summary focus, character counts…).
// Every page works without this script; it only improves what is already there.
import { initAll } from "./vendor/govuk-frontend.min.js";

initAll();
