import { useEffect, useRef } from 'react';

/**
 * The page's one `h1`. It takes focus when the page opens, so keyboard and screen-reader users
 * land at the top of the new page after each client-side navigation (no full page load tells them).
 */
export function PageHeading(props: { readonly children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
    document.title = `${props.children} – Indicium`;
  }, [props.children]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {props.children}
    </h1>
  );
}
