import type { AppDeps } from '../../web/context.js';
import type { ApiApp } from '../app.js';

/** Filled in by the account part of issue 10 (in progress). */
export function registerAccountRoutes(api: ApiApp, deps: AppDeps): void {
  void api;
  void deps;
}
