/**
 * The page client as a browser script for the test pages: the web UI imports `createPageClient`
 * from `@indicium/protocol` the same way and bundles it with its own build.
 */
import { createPageClient } from '@indicium/protocol';

Object.assign(window, { indiciumCreatePageClient: createPageClient });
