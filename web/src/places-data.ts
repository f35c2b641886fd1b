/**
 * The places table, alone in its chunk: imported only through `placeRows()` (a dynamic import), so esbuild
 * emits it as a file of its own that the picker fetches on first use.
 */
/// <reference path="./places-data.d.ts" />
export { COMUNI as places } from "codice-fiscale-js/src/lista-comuni.js";
