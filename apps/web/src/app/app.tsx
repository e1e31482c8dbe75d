import type { PageClient, SessionAnswer } from '@indicium/protocol';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { LoginPage } from '../account/login-page.js';
import type { VaultClient } from '../api/vault-client.js';
import { AppLink } from './app-link.js';
import { APP_ROUTES } from './app-routes.js';
import { PageHeading } from './page-heading.js';
import { type Services, ServicesContext } from './services.js';
import { usePath } from './use-path.js';

/**
 * The web UI's shell (DESIGN §8): resumes the session from its cookie, then shows the page for the
 * path — the login page for any account page while logged out.
 */
export function App(props: {
  readonly vault: VaultClient;
  readonly page: PageClient;
  readonly origin: string;
}) {
  const [path, navigate] = usePath();
  const [session, setSession] = useState<SessionAnswer | null>(null);
  const [resumed, setResumed] = useState(false);

  useEffect(() => {
    props.vault.resume().then(
      (answer) => {
        setSession(answer);
        setResumed(true);
      },
      () => setResumed(true),
    );
  }, [props.vault]);

  const services: Services = useMemo(
    () => ({ vault: props.vault, page: props.page, origin: props.origin, session, setSession, navigate }),
    [props.vault, props.page, props.origin, session, navigate],
  );

  const target = path === '/' ? (session === null ? '/login' : '/setup') : path;
  const route = APP_ROUTES.find((r) => r.path === target);
  const logout = async () => {
    try {
      await props.vault.logout();
    } finally {
      setSession(null);
      navigate('/login');
    }
  };

  let main: ReactNode;
  if (!resumed) main = <p role="status">Loading…</p>;
  else if (route === undefined) main = <NotFound />;
  else if (route.session && session === null) main = <LoginPage />;
  else main = <route.page />;

  return (
    <ServicesContext.Provider value={services}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <p className="brand">Indicium</p>
        {session === null ? null : (
          <nav aria-label="Main">
            <ul>
              {APP_ROUTES.filter((r) => r.nav).map((r) => (
                <li key={r.path}>
                  <AppLink to={r.path} current={r.path === target}>
                    {r.label}
                  </AppLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {session === null ? null : (
          <div className="account">
            <span>{session.customer.displayName}</span>
            <button type="button" className="secondary" onClick={() => void logout()}>
              Log out
            </button>
          </div>
        )}
      </header>
      <main id="main">{main}</main>
      <footer className="bottom">
        <p>Sample postage: every indicium is marked SAMPLE – NOT VALID POSTAGE.</p>
      </footer>
    </ServicesContext.Provider>
  );
}

function NotFound() {
  return (
    <section>
      <PageHeading>Page not found</PageHeading>
      <p>
        <AppLink to="/">Go to the start page</AppLink>
      </p>
    </section>
  );
}
