/**
 * Opens a PDF from the API (base64) in a new tab for printing, through a blob URL: its content is never put
 * into the page as text.
 */
export function pdfUrl(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
}

export function openPdf(url: string): void {
  window.open(url, "_blank", "noopener");
}
