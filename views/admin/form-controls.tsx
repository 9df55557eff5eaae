import type { FieldErrors } from '../components/field.js';

/**
 * The back office's form controls beside components/field.tsx's text input: a textarea, a
 * select and a checkbox, each tied to its label and error the same way.
 */

const describedBy = (id: string, error: string | undefined, hint?: string) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function FieldError({ id, error }: { id: string; error: string | undefined }): JSX.Element {
  return error ? (
    <p id={`${id}-error`} class="field-error" safe>
      {error}
    </p>
  ) : (
    ''
  );
}

export function TextArea({ name, label, value, errors, hint, rows = 5, maxlength }: { name: string; label: string; value: string; errors?: FieldErrors; hint?: string; rows?: number; maxlength?: number }): JSX.Element {
  const id = `field-${name}`;
  const error = errors?.[name];
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
      <textarea id={id} name={name} rows={String(rows)} class="input" maxlength={maxlength} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, error, hint)} safe>
        {value}
      </textarea>
      <FieldError id={id} error={error} />
    </div>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export function SelectField({ name, label, value, options, errors, id = `field-${name}` }: { name: string; label: string; value: string; options: SelectOption[]; errors?: FieldErrors; id?: string }): JSX.Element {
  const error = errors?.[name];
  return (
    <div class="field">
      <label for={id} class="label" safe>
        {label}
      </label>
      <select id={id} name={name} class="input" aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, error)}>
        {options.map((option) => (
          <option value={option.value} selected={option.value === value} safe>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={id} error={error} />
    </div>
  );
}

export function Checkbox({ name, label, checked, id = `field-${name}` }: { name: string; label: string; checked: boolean; id?: string }): JSX.Element {
  return (
    <div class="field flex items-center gap-2">
      <input id={id} name={name} type="checkbox" value="1" class="checkbox" checked={checked} />
      <label for={id} class="text-sm text-slate-700" safe>
        {label}
      </label>
    </div>
  );
}

/** Categories as select options, indented by depth so the tree shows in the list. */
export function categoryOptions(categories: { id: number; name: string; depth: number }[], empty: string): SelectOption[] {
  return [{ value: '', label: empty }, ...categories.map((category) => ({ value: String(category.id), label: `${'\u2003'.repeat(category.depth)}${category.name}` }))];
}
