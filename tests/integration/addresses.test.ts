import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ADDRESSES_PER_USER } from '../../src/accounts/addresses.js';
import { COUNTRY_CODES } from '../../src/lib/countries.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { form, insertUser, logIn } from '../support/accounts.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const address = (overrides: Record<string, string> = {}) => ({
  full_name: 'Ada Lovelace',
  address_line1: '12 St James Square',
  address_line2: '',
  city: 'London',
  state: '',
  postal_code: 'SW1Y 4JH',
  country: 'GB',
  phone: '',
  ...overrides,
});
const addressesOf = (userId: number) => ctx.database.db.selectFrom('user_addresses').selectAll().where('user_id', '=', userId).orderBy('id').execute();
const defaultsOf = async (userId: number) => (await addressesOf(userId)).filter((row) => row.is_default_shipping).map((row) => row.id);
const countAll = async () => Number((await ctx.database.db.selectFrom('user_addresses').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

async function shopper() {
  const user = await insertUser(ctx.database.db);
  return { user, cookie: await logIn(ctx, user.email) };
}

async function add(cookie: string, fields: Record<string, string> = {}) {
  const response = await ctx.app.request('/account/addresses', form(address(fields), cookie));
  expect(response.status).toBe(303);
  expect(response.headers.get('Location')).toBe('/account/addresses?done=added');
}

const request = (path: string, cookie: string, init: { method?: string; fields?: Record<string, string> } = {}) =>
  ctx.app.request(path, init.fields ? { ...form(init.fields, cookie), method: init.method ?? 'POST' } : { method: init.method ?? 'GET', headers: { Cookie: cookie } });

describe('who may use the address book', () => {
  it('sends a visitor to sign in from every address route, and changes nothing', async () => {
    const { user, cookie } = await shopper();
    await add(cookie);
    const [row] = await addressesOf(user.id);
    const id = row!.id;
    const attempts: [string, string, Record<string, string>?][] = [
      ['GET', '/account/addresses'],
      ['POST', '/account/addresses', address()],
      ['GET', `/account/addresses/${id}`],
      ['POST', `/account/addresses/${id}`, address({ city: 'Paris' })],
      ['PUT', `/account/addresses/${id}`, address({ city: 'Paris' })],
      ['POST', `/account/addresses/${id}`, { _method: 'DELETE' }],
      ['DELETE', `/account/addresses/${id}`],
      ['POST', `/account/addresses/${id}/delete`, {}],
      ['POST', `/account/addresses/${id}/default`, {}],
    ];
    const before = await countAll();
    for (const [method, path, fields] of attempts) {
      const response = await ctx.app.request(path, fields ? { ...form(fields), method } : { method });
      expect(response.status, `${method} ${path}`).toBe(303);
      expect(response.headers.get('Location'), `${method} ${path}`).toMatch(/^\/login\?next=/);
    }
    expect(await countAll()).toBe(before);
    expect(await addressesOf(user.id)).toEqual([row]);
  });
});

describe('adding, editing and deleting addresses', () => {
  it('makes the first address the default, and moves the default when another is chosen', async () => {
    const { user, cookie } = await shopper();
    await add(cookie, { full_name: 'First Home' });
    const [first] = await addressesOf(user.id);
    expect(first!.is_default_shipping).toBe(true);

    await add(cookie, { full_name: 'Second Home', is_default_shipping: '1' });
    await add(cookie, { full_name: 'Office', country: 'de', city: 'Berlin', postal_code: '10115' });
    const rows = await addressesOf(user.id);
    expect(rows.map((row) => [row.full_name, row.is_default_shipping])).toEqual([
      ['First Home', false],
      ['Second Home', true],
      ['Office', false],
    ]);
    expect(rows[2]!.country).toBe('DE');

    const office = rows[2]!.id;
    const made = await request(`/account/addresses/${office}/default`, cookie, { fields: {} });
    expect(made.status).toBe(303);
    expect(await defaultsOf(user.id)).toEqual([office]);

    // The list shows the default first, marked, and each address by its country's name.
    const page = await htmlOf(await request('/account/addresses?done=default', cookie));
    expect(textOf(page, '.notice')).toBe('Default shipping address changed.');
    const items = page.querySelectorAll('[data-address]');
    expect(items.map((item) => item.getAttribute('data-address'))).toEqual([String(office), String(rows[1]!.id), String(rows[0]!.id)]);
    expect(items[0]!.querySelector('[data-default-shipping]')).not.toBeNull();
    expect(items[0]!.text).toContain('Germany');
    expect(page.querySelectorAll('[data-default-shipping]')).toHaveLength(1);
  });

  it('edits an address by POST, by _method=PUT and by PUT, and only the fields the form names', async () => {
    const { user, cookie } = await shopper();
    const other = await insertUser(ctx.database.db);
    await add(cookie);
    const [row] = await addressesOf(user.id);
    const path = `/account/addresses/${row!.id}`;

    const editPage = await htmlOf(await request(path, cookie));
    expect(editPage.querySelector('#field-full_name')!.getAttribute('value')).toBe('Ada Lovelace');
    expect(editPage.querySelector('#field-country option[selected]')!.getAttribute('value')).toBe('GB');
    expect(editPage.querySelector('input[name="_method"]')!.getAttribute('value')).toBe('PUT');

    const viaPost = await request(path, cookie, { fields: address({ city: 'Manchester', user_id: String(other.id), id: '1', created_at: '2000-01-01' }) });
    expect(viaPost.status).toBe(303);
    let [saved] = await addressesOf(user.id);
    expect(saved).toMatchObject({ id: row!.id, user_id: user.id, city: 'Manchester', created_at: row!.created_at });
    expect(await addressesOf(other.id)).toEqual([]);

    expect((await request(path, cookie, { fields: address({ city: 'Leeds', _method: 'put' }) })).status).toBe(303);
    expect((await addressesOf(user.id))[0]!.city).toBe('Leeds');
    expect((await request(path, cookie, { method: 'PUT', fields: address({ city: 'York', phone: '+44 20 7946 0000' }) })).status).toBe(303);
    [saved] = await addressesOf(user.id);
    expect(saved).toMatchObject({ city: 'York', phone: '+44 20 7946 0000' });

    // The box is the default flag: an edit without it ticked leaves the user with no default.
    expect(saved!.is_default_shipping).toBe(false);
    expect((await request(path, cookie, { method: 'PUT', fields: address({ city: 'York', is_default_shipping: '1' }) })).status).toBe(303);
    expect(await defaultsOf(user.id)).toEqual([row!.id]);

    expect((await request(path, cookie, { fields: address({ _method: 'PATCH' }) })).status).toBe(405);
  });

  it('deletes by the delete route, by _method=DELETE and by DELETE; deleting the default promotes nothing', async () => {
    const { user, cookie } = await shopper();
    for (const name of ['One', 'Two', 'Three', 'Four']) await add(cookie, { full_name: name });
    const [one, two, three, four] = await addressesOf(user.id);
    expect(await defaultsOf(user.id)).toEqual([one!.id]);

    const deleted = await request(`/account/addresses/${one!.id}/delete`, cookie, { fields: {} });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('Location')).toBe('/account/addresses?done=deleted');
    expect(await defaultsOf(user.id)).toEqual([]);
    expect((await request(`/account/addresses/${two!.id}`, cookie, { fields: { _method: 'DELETE' } })).status).toBe(303);
    expect((await request(`/account/addresses/${three!.id}`, cookie, { method: 'DELETE' })).status).toBe(303);
    expect((await addressesOf(user.id)).map((row) => row.id)).toEqual([four!.id]);
    // Gone is gone: a second delete of the same id is a 404.
    expect((await request(`/account/addresses/${one!.id}/delete`, cookie, { fields: {} })).status).toBe(404);
  });

  it(`keeps at most ${MAX_ADDRESSES_PER_USER} addresses and says why`, async () => {
    const { user, cookie } = await shopper();
    await ctx.database.db
      .insertInto('user_addresses')
      .values(Array.from({ length: MAX_ADDRESSES_PER_USER }, (_, n) => ({ ...address({ full_name: `Home ${n}` }), user_id: user.id })))
      .execute();
    const refused = await ctx.app.request('/account/addresses', form(address({ full_name: 'One too many' }), cookie));
    expect(refused.status).toBe(422);
    expect(textOf(await htmlOf(refused), '.notice-error')).toContain(`up to ${MAX_ADDRESSES_PER_USER} addresses`);
    expect(await addressesOf(user.id)).toHaveLength(MAX_ADDRESSES_PER_USER);
    // The page says so instead of offering a form that cannot succeed.
    const page = await htmlOf(await request('/account/addresses', cookie));
    expect(page.querySelector('[data-address-form]')).toBeNull();
  });

  it('offers every ISO 3166-1 country by name and accepts no other code', async () => {
    const { user, cookie } = await shopper();
    const page = await htmlOf(await request('/account/addresses', cookie));
    const options = page.querySelectorAll('#field-country option').map((option) => option.getAttribute('value'));
    expect(options).toHaveLength(250); // the 249 codes and "Choose a country"
    expect(new Set(options.filter(Boolean))).toEqual(new Set(COUNTRY_CODES));
    expect(page.querySelector('#field-country option[value="GB"]')!.text).toBe('United Kingdom');
    for (const country of ['XX', 'UK', 'XK', 'G', 'GBR', '']) {
      const refused = await ctx.app.request('/account/addresses', form(address({ country }), cookie));
      expect(refused.status, country).toBe(422);
      expect(textOf(await htmlOf(refused), '#field-country-error'), country).toMatch(/Choose a country/);
    }
    expect(await addressesOf(user.id)).toEqual([]);
  });
});

describe('bad input', () => {
  it('refuses a 1 MB field and NUL bytes with a message per field, re-shows the form and saves nothing', async () => {
    const { user, cookie } = await shopper();
    const response = await ctx.app.request(
      '/account/addresses',
      form(address({ full_name: 'x'.repeat(1_000_000), city: 'Lon\u0000don', postal_code: 'SW1\r\nBcc: x', phone: 'y'.repeat(41) }), cookie),
    );
    expect(response.status).toBe(422);
    const page = await htmlOf(response);
    for (const field of ['full_name', 'city', 'postal_code', 'phone']) {
      expect(textOf(page, `#field-${field}-error`), field).not.toBe('');
      expect(page.querySelector(`#field-${field}`)!.getAttribute('aria-invalid')).toBe('true');
    }
    // The form comes back with what was typed (the rest of it), but not a megabyte of it.
    expect(page.querySelector('#field-address_line1')!.getAttribute('value')).toBe('12 St James Square');
    expect(page.querySelector('#field-full_name')!.getAttribute('value')!.length).toBeLessThan(1_000);
    expect(await addressesOf(user.id)).toEqual([]);
  });

  it('refuses bad input to an edit and leaves the address as it was', async () => {
    const { user, cookie } = await shopper();
    await add(cookie);
    const before = await addressesOf(user.id);
    const response = await request(`/account/addresses/${before[0]!.id}`, cookie, { fields: address({ full_name: '', country: 'ZZ', _method: 'PUT' }) });
    expect(response.status).toBe(422);
    const page = await htmlOf(response);
    expect(textOf(page, '#field-full_name-error')).toBe('Enter your full name.');
    expect(textOf(page, '#field-country-error')).toMatch(/Choose a country/);
    expect(page.querySelector('form[data-address-form]')!.getAttribute('action')).toBe(`/account/addresses/${before[0]!.id}`);
    expect(await addressesOf(user.id)).toEqual(before);
  });

  it('shows markup in stored names as text, never as markup', async () => {
    const { user, cookie } = await shopper();
    const script = '<script>alert(1)</script>';
    await add(cookie, { full_name: script, address_line2: '<img src=x onerror=alert(2)>', city: '"><b>City</b>' });
    const [row] = await addressesOf(user.id);
    expect(row!.full_name).toBe(script);
    const listBody = await (await request('/account/addresses', cookie)).text();
    for (const markup of [script, '<img src=x', '<b>City</b>']) expect(listBody).not.toContain(markup);
    for (const path of ['/account/addresses', `/account/addresses/${row!.id}`]) {
      const page = await htmlOf(await request(path, cookie));
      expect(page.querySelectorAll('script').filter((element) => element.text.includes('alert')), path).toHaveLength(0);
      expect(page.querySelectorAll('img[src="x"], b'), path).toHaveLength(0);
    }
    const list = await htmlOf(await request('/account/addresses', cookie));
    expect(list.querySelector('[data-address]')!.text).toContain(script);
    // In the edit form each value stays inside its attribute, exactly as typed.
    const edit = await htmlOf(await request(`/account/addresses/${row!.id}`, cookie));
    expect(edit.querySelector('#field-full_name')!.getAttribute('value')).toBe(script);
    expect(edit.querySelector('#field-city')!.getAttribute('value')).toBe('"><b>City</b>');
  });
});

describe("someone else's address", () => {
  it('answers 404 to every route, exactly as for an id that does not exist, and changes nothing', async () => {
    const owner = await shopper();
    const intruder = await shopper();
    await add(owner.cookie, { full_name: 'Owner Home' });
    await add(owner.cookie, { full_name: 'Owner Office' });
    await add(intruder.cookie, { full_name: 'Intruder Home' });
    const before = await addressesOf(owner.user.id);
    const intruderBefore = await addressesOf(intruder.user.id);
    const target = before[1]!.id; // not the default, so "make default" would change it

    const attempts: [string, string, Record<string, string>?][] = [
      ['GET', `/account/addresses/${target}`],
      ['POST', `/account/addresses/${target}`, address({ full_name: 'Taken over', is_default_shipping: '1' })],
      ['POST', `/account/addresses/${target}`, address({ full_name: 'Taken over', _method: 'PUT' })],
      ['PUT', `/account/addresses/${target}`, address({ full_name: 'Taken over' })],
      ['POST', `/account/addresses/${target}`, address({ full_name: '', _method: 'PUT' })],
      ['POST', `/account/addresses/${target}`, { _method: 'DELETE' }],
      ['DELETE', `/account/addresses/${target}`],
      ['POST', `/account/addresses/${target}/delete`, {}],
      ['POST', `/account/addresses/${target}/default`, {}],
    ];
    const missing = 2_147_483_647;
    for (const [method, path, fields] of attempts) {
      const theirs = await request(path, intruder.cookie, { method, ...(fields ? { fields } : {}) });
      expect(theirs.status, `${method} ${path}`).toBe(404);
      const absent = await request(path.replace(String(target), String(missing)), intruder.cookie, { method, ...(fields ? { fields } : {}) });
      expect(absent.status).toBe(404);
      expect(textOf(await htmlOf(theirs), 'h1')).toBe(textOf(await htmlOf(absent), 'h1'));
    }
    expect(await addressesOf(owner.user.id)).toEqual(before);
    expect(await addressesOf(intruder.user.id)).toEqual(intruderBefore);
  });

  it('answers 404 to ids that are not ids', async () => {
    const { user, cookie } = await shopper();
    await add(cookie);
    const before = await addressesOf(user.id);
    for (const id of ['abc', '0', '-1', '1.5', '1e3', '0x10', '%20', '01', '2147483648', '99999999999999999999', `${before[0]!.id}%20`, `${before[0]!.id}%00`]) {
      expect((await request(`/account/addresses/${id}`, cookie)).status, id).toBe(404);
      expect((await request(`/account/addresses/${id}/delete`, cookie, { fields: {} })).status, id).toBe(404);
      expect((await request(`/account/addresses/${id}/default`, cookie, { fields: {} })).status, id).toBe(404);
      expect((await request(`/account/addresses/${id}`, cookie, { fields: address() })).status, id).toBe(404);
    }
    expect(await addressesOf(user.id)).toEqual(before);
  });
});
