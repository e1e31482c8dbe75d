/**
 * Names of the runtime ports inside the extension. A content script opens one `PAGE_PORT` per page
 * request; the popup opens `POPUP_PORT`. The background treats the two very differently: a page
 * port's origin is checked against the allow-list, a popup port must be our own extension page.
 */
export const PAGE_PORT = 'indicium-page-request';
export const POPUP_PORT = 'indicium-popup-status';
