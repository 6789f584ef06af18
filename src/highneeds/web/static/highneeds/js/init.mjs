// Starts GOV.UK Frontend components. A module file, not inline script, so CSP can forbid inline JS.
import { initAll } from "../../govuk/js/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
