import type { ComponentType } from 'react';
import { LoginPage } from '../account/login-page.js';
import { SignUpPage } from '../account/sign-up-page.js';
import { HistoryPage } from '../history/history-page.js';
import { BuyPostagePage } from '../postage/buy-postage-page.js';
import { PrintPage } from '../print/print-page.js';
import { SettingsPage } from '../settings/settings-page.js';
import { RegisterPage } from '../setup/register-page.js';
import { SetupPage } from '../setup/setup-page.js';
import { UsersPage } from '../users/users-page.js';

export interface AppRoute {
  readonly path: string;
  readonly label: string;
  readonly page: ComponentType;
  /** Pages behind the login: without a session they show the login page instead. */
  readonly session: boolean;
  /** Shown in the navigation bar. */
  readonly nav: boolean;
}

/** The client routes (the vault serves index.html for each, DESIGN §8). */
export const APP_ROUTES: readonly AppRoute[] = Object.freeze([
  { path: '/login', label: 'Log in', page: LoginPage, session: false, nav: false },
  { path: '/sign-up', label: 'Sign up', page: SignUpPage, session: false, nav: false },
  // The wizard checks this computer, not the account: it works before logging in.
  { path: '/setup', label: 'Setup', page: SetupPage, session: false, nav: true },
  { path: '/register', label: 'Register', page: RegisterPage, session: true, nav: false },
  { path: '/buy', label: 'Buy postage', page: BuyPostagePage, session: true, nav: true },
  { path: '/print', label: 'Print', page: PrintPage, session: true, nav: true },
  { path: '/history', label: 'History', page: HistoryPage, session: true, nav: true },
  { path: '/users', label: 'Users', page: UsersPage, session: true, nav: true },
  { path: '/settings', label: 'Settings', page: SettingsPage, session: true, nav: true },
]);
