import { type FormEvent, useState } from 'react';
import { AppLink } from '../app/app-link.js';
import { ErrorNotice } from '../app/error-notice.js';
import { PageHeading } from '../app/page-heading.js';
import { useServices } from '../app/services.js';
import { TextField } from '../app/text-field.js';
import { useAction } from '../app/use-action.js';

/** Log in to the web account (DESIGN §6): a new session each time; the cookie is httpOnly. */
export function LoginPage() {
  const { vault, setSession, navigate } = useServices();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      setSession(await vault.login(email, password));
      navigate('/setup');
    });
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
