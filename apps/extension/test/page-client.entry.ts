/**
 * The page client as a browser script for the test pages, bound to the page's real `window` (so
 * the type check proves a DOM window is a `PageWindow`). The web UI imports `createPageClient`
 * from `@indicium/protocol` the same way and bundles it with its own build.
 */
import { createPageClient, type PageClientOptions } from '@indicium/protocol';

Object.assign(window, {
  indiciumCreatePageClient: (options: Omit<PageClientOptions, 'window'> = {}) =>
    createPageClient({ window, ...options }),
});
