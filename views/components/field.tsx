/** Field errors by input name, as forms re-shown after a refusal carry them. */
export type FieldErrors = Partial<Record<string, string>>;

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'tel';
  value?: string;
  errors?: FieldErrors;
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  inputmode?: 'numeric' | 'text';
  maxlength?: number;
}

/** Label, input and its error, tied together for screen readers (aria-describedby, aria-invalid). */
export function Field({ name, label, type = 'text', value, errors, autocomplete, required = true, hint, inputmode, maxlength }: FieldProps): JSX.Element {
  const id = `field-${name}`;
  const error = errors?.[name];
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id} class="label" safe>
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} class="field-hint" safe>
          {hint}
        </p>
      ) : (
        ''
      )}
      <input
        id={id}
        name={name}
        type={type}
        class="input"
        value={type === 'password' ? undefined : value}
        autocomplete={autocomplete}
        required={required}
        inputmode={inputmode}
        maxlength={maxlength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      />
      {error ? (
        <p id={`${id}-error`} class="field-error" safe>
          {error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

/** A message at the top of a form or page: what happened, in words. */
/** Whole class names, so Tailwind's scanner finds them. */
const noticeClass = { error: 'notice notice-error', success: 'notice notice-success', info: 'notice notice-info' } as const;

export function Notice({ tone, message }: { tone: 'error' | 'success' | 'info'; message: string }): JSX.Element {
  return (
    <div class={noticeClass[tone]} role={tone === 'error' ? 'alert' : 'status'} safe>
      {message}
    </div>
  );
}
