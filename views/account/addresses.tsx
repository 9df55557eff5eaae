import type { UserAddress } from '../../src/db/schema-accounts.js';
import { countryName } from '../../src/lib/countries.js';
import { CountrySelect } from '../components/country-select.js';
import { Field, Notice, type FieldErrors } from '../components/field.js';
import type { LayoutProps } from '../layouts/shop.js';
import { AccountFrame } from './account.js';

export type AddressField = 'full_name' | 'address_line1' | 'address_line2' | 'city' | 'state' | 'postal_code' | 'country' | 'phone' | 'is_default_shipping';
export type AddressValues = Partial<Record<AddressField, string>>;

/** An address as its edit form shows it. */
export function addressValues(address: UserAddress): AddressValues {
  const { full_name, address_line1, address_line2, city, state, postal_code, country, phone } = address;
  return { full_name, address_line1, address_line2, city, state, postal_code, country, phone, is_default_shipping: address.is_default_shipping ? '1' : '' };
}

export interface AddressesPageProps {
  layout: LayoutProps;
  addresses: UserAddress[];
  maxAddresses: number;
  notice?: string;
  /** A refusal of the whole form (the limit), shown above it. */
  formError?: string;
  errors?: FieldErrors;
  values?: AddressValues;
}

export function AddressesPage({ layout, addresses, maxAddresses, notice, formError, errors, values = {} }: AddressesPageProps): JSX.Element {
  const full = addresses.length >= maxAddresses;
  return (
    <AccountFrame layout={layout} title="Addresses" current="addresses" notice={notice}>
      <section class="panel" aria-labelledby="addresses-heading">
        <h2 id="addresses-heading" class="section-title mb-4">
          Saved addresses
        </h2>
        {addresses.length === 0 ? (
          <p class="text-sm text-slate-600">No addresses yet. The first one you add becomes your default shipping address.</p>
        ) : (
          <ul class="divide-y divide-slate-200" data-addresses>
            {addresses.map((address) => (
              <AddressItem address={address} />
            ))}
          </ul>
        )}
      </section>
      <section class="panel" aria-labelledby="new-address-heading">
        <h2 id="new-address-heading" class="section-title mb-4">
          Add an address
        </h2>
        {formError ? <Notice tone="error" message={formError} /> : ''}
        {full && !formError ? (
          <p class="text-sm text-slate-600" safe>
            {`You have ${maxAddresses} addresses, as many as an account can keep. Delete one to add another.`}
          </p>
        ) : (
          <AddressForm action="/account/addresses" values={values} errors={errors} submitLabel="Save address" />
        )}
      </section>
    </AccountFrame>
  );
}

function AddressItem({ address }: { address: UserAddress }): JSX.Element {
  const base = `/account/addresses/${address.id}`;
  return (
    <li class="flex flex-wrap items-start justify-between gap-3 py-3" data-address={String(address.id)}>
      <div class="text-sm">
        <AddressText address={address} />
        {address.is_default_shipping ? (
          <p class="mt-1 font-semibold text-brand-700" data-default-shipping>
            Default shipping address
          </p>
        ) : (
          ''
        )}
      </div>
      <div class="flex flex-wrap gap-2">
        <a href={base} class="btn-secondary">
          Edit
        </a>
        {address.is_default_shipping ? (
          ''
        ) : (
          <form method="post" action={`${base}/default`}>
            <button type="submit" class="btn-secondary">
              Make default
            </button>
          </form>
        )}
        <form method="post" action={`${base}/delete`}>
          <button type="submit" class="btn-secondary">
            Delete
          </button>
        </form>
      </div>
    </li>
  );
}

export function AddressText({ address }: { address: Pick<UserAddress, 'full_name' | 'address_line1' | 'address_line2' | 'city' | 'state' | 'postal_code' | 'country' | 'phone'> }): JSX.Element {
  return (
    <address class="not-italic text-slate-800">
      <span class="font-medium text-slate-900" safe>
        {address.full_name}
      </span>
      <br />
      <span safe>{address.address_line1}</span>
      {address.address_line2 ? (
        <>
          <br />
          <span safe>{address.address_line2}</span>
        </>
      ) : (
        ''
      )}
      <br />
      <span safe>{[address.postal_code, address.city, address.state].filter(Boolean).join(' ')}</span>
      <br />
      <span safe>{countryName(address.country)}</span>
      {address.phone ? (
        <>
          <br />
          <span safe>{address.phone}</span>
        </>
      ) : (
        ''
      )}
    </address>
  );
}

export interface EditAddressPageProps {
  layout: LayoutProps;
  addressId: number;
  values: AddressValues;
  errors?: FieldErrors;
}

export function EditAddressPage({ layout, addressId, values, errors }: EditAddressPageProps): JSX.Element {
  return (
    <AccountFrame layout={layout} title="Edit address" current="addresses">
      <section class="panel" aria-labelledby="edit-address-heading">
        <h2 id="edit-address-heading" class="section-title mb-4">
          Address
        </h2>
        <AddressForm action={`/account/addresses/${addressId}`} method="PUT" values={values} errors={errors} submitLabel="Save changes" />
        <p class="mt-4 text-sm">
          <a href="/account/addresses" class="text-link">
            Back to your addresses
          </a>
        </p>
      </section>
    </AccountFrame>
  );
}

interface AddressFormProps {
  action: string;
  /** PUT for an edit: sent as `_method`, as browsers only POST forms. */
  method?: 'PUT';
  values: AddressValues;
  errors: FieldErrors | undefined;
  submitLabel: string;
}

function AddressForm({ action, method, values, errors, submitLabel }: AddressFormProps): JSX.Element {
  return (
    <form method="post" action={action} novalidate data-address-form>
      {method ? <input type="hidden" name="_method" value={method} /> : ''}
      <Field name="full_name" label="Full name" value={values.full_name} errors={errors} autocomplete="name" maxlength={200} />
      <Field name="address_line1" label="Address" value={values.address_line1} errors={errors} autocomplete="address-line1" maxlength={200} />
      <Field
        name="address_line2"
        label="Apartment, suite, etc. (optional)"
        value={values.address_line2}
        errors={errors}
        autocomplete="address-line2"
        maxlength={200}
        required={false}
      />
      <Field name="city" label="City" value={values.city} errors={errors} autocomplete="address-level2" maxlength={100} />
      <Field name="state" label="State or region (optional)" value={values.state} errors={errors} autocomplete="address-level1" maxlength={100} required={false} />
      <Field name="postal_code" label="Postal code" value={values.postal_code} errors={errors} autocomplete="postal-code" maxlength={20} />
      <CountrySelect value={values.country} errors={errors} />
      <Field name="phone" label="Phone (optional)" type="tel" value={values.phone} errors={errors} autocomplete="tel" maxlength={40} required={false} />
      <div class="field flex items-center gap-2">
        <input id="field-is_default_shipping" name="is_default_shipping" type="checkbox" value="1" class="checkbox" checked={values.is_default_shipping === '1'} />
        <label for="field-is_default_shipping" class="text-sm text-slate-700">
          Use as my default shipping address
        </label>
      </div>
      <button type="submit" class="btn-primary" safe>
        {submitLabel}
      </button>
    </form>
  );
}
