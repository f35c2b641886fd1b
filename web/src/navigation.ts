/**
 * Leaving a page without an exception: a guard or a refused call replaces the location and the page draws
 * nothing more (no uncaught error for the browser to log, no flash of a page the reader may not see).
 */
let leaving = false;

/** Goes to `url` in place of the current page (Back does not return to a page that would send one away again). */
export function leave(url: string): void {
  leaving = true;
  location.replace(url);
}

/** True once `leave` was called: the page is on its way out and renders nothing. */
export function isLeaving(): boolean {
  return leaving;
}

/** What a call answers once the page is leaving: it never settles, so no caller shows an error meanwhile. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
