import { type ChangeEvent, useId } from 'react';

export interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly type?: 'text' | 'email' | 'password' | 'number' | 'date';
  readonly name: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly autoComplete?: string;
  /** The field the last refusal named: marked invalid and described by the hint. */
  readonly invalid?: boolean;
  readonly multiline?: boolean;
  readonly min?: string;
  readonly step?: string;
}

/** A labelled input (or textarea) with its hint tied in by `aria-describedby`. */
export function TextField(props: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required ?? false,
    'aria-invalid': props.invalid === true,
    ...(props.hint === undefined ? {} : { 'aria-describedby': hintId }),
    ...(props.autoComplete === undefined ? {} : { autoComplete: props.autoComplete }),
  };
  const onChange = (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    props.onChange(event.target.value);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline === true ? (
        <textarea {...common} rows={4} onChange={onChange} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          onChange={onChange}
          {...(props.min === undefined ? {} : { min: props.min })}
          {...(props.step === undefined ? {} : { step: props.step })}
        />
      )}
      {props.hint === undefined ? null : (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

export interface SelectFieldProps {
  readonly label: string;
  readonly name: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly options: readonly { readonly value: string; readonly label: string }[];
  readonly invalid?: boolean;
}

/** A labelled select. */
export function SelectField(props: SelectFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={props.invalid === true}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
