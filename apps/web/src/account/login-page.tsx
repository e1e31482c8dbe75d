import type { IndiciumError } from '@indicium/protocol';
import { type FormEvent, useState } from 'react';
import { AppLink } from '../app/app-link.js';
import { asIndiciumError } from '../app/as-indicium-error.js';
import { ErrorNotice } from '../app/error-notice.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { TextField } from '../app/text-field.js';

/** Log in to the web account (DESIGN §6): a new session each time; the cookie is httpOnly. */
export function LoginPage() {
  const { vault, setSession, navigate } = useServices();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<IndiciumError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSession(await vault.login(email, password));
      navigate('/setup');
    } catch (caught) {
      setError(asIndiciumError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageHeading>Log in</PageHeading>
      <form onSubmit={submit} aria-busy={busy}>
        <TextField
          label="E-mail"
          name="email"
          type="email"
          value={email}
          onChange={setEmail}
          required
          autoComplete="username"
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          value={password}
          onChange={setPassword}
          required
          autoComplete="current-password"
        />
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
      <p>
        No account yet? <AppLink to="/sign-up">Sign up</AppLink>
      </p>
    </section>
  );
}
