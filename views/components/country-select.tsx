import { countryOptions } from '../../src/lib/countries.js';
import type { FieldErrors } from './field.js';

/** The ISO 3166-1 countries by name; the server accepts only these codes. */
export function CountrySelect({ value, errors }: { value: string | undefined; errors: FieldErrors | undefined }): JSX.Element {
  const error = errors?.country;
  const selected = value?.trim().toUpperCase() ?? '';
  return (
    <div class="field">
      <label for="field-country" class="label">
        Country
      </label>
      <select
        id="field-country"
        name="country"
        class="input"
        autocomplete="country"
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'field-country-error' : undefined}
      >
        <option value="" selected={selected === ''}>
          Choose a country
        </option>
        {countryOptions().map((country) => (
          <option value={country.code} selected={country.code === selected} safe>
            {country.name}
          </option>
        ))}
      </select>
      {error ? (
        <p id="field-country-error" class="field-error" safe>
          {error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}
