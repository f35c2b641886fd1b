/** The municipalities and foreign states table of `codice-fiscale-js` (an ES module without types). */
declare module "codice-fiscale-js/src/lista-comuni.js" {
  /** Belfiore code, province ("EE" abroad), name in capitals, 1 when current. */
  export const COMUNI: ReadonlyArray<readonly [string, string, string, number]>;
}
