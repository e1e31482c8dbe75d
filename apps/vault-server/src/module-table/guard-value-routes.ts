import type { Route } from '../http/route.js';
import type { ModuleTableGuard } from './module-table-guard.js';

/**
 * Makes every value-bearing route (by tag: the PSD protocol, buying postage, refunds) refuse with
 * VAULT_UNAVAILABLE while the module-table guard has stopped the vault (DESIGN §3.6), before the
 * handler runs and whatever the handler does: the stop holds even for a route that forgets to ask.
 *
 * @example
 * routes.push(...guardValueRoutes(psdRoutes(psd), guard, ['psd']));
 */
export function guardValueRoutes(
  routes: readonly Route[],
  guard: Pick<ModuleTableGuard, 'assertServing'>,
  valueTags: readonly string[],
): Route[] {
  const tags = new Set(valueTags);
  return routes.map((route) =>
    tags.has(route.tag)
      ? Object.freeze({
          ...route,
          errors: [...new Set([...(route.errors ?? []), 'VAULT_UNAVAILABLE'])],
          handler: async (context: Parameters<Route['handler']>[0]) => {
            guard.assertServing();
            return route.handler(context);
          },
        })
      : route,
  );
}
