import type { AppDeps } from '../../web/context.js';
import type { ApiApp } from '../app.js';

/** Filled in by the cart part of issue 10 (in progress). */
export function registerCartRoutes(api: ApiApp, deps: AppDeps): void {
  void api;
  void deps;
}
