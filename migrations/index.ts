import type { Migration } from 'kysely/migration';
import * as createCatalog from './20261122000000_create_catalog.js';
import * as addProductSearch from './20261122010000_add_product_search.js';
import * as createAccounts from './20261123100000_create_accounts.js';
import * as searchVocabulary from './20261123200000_search_vocabulary.js';
import * as createCarts from './20261123300000_create_carts.js';
import * as listingBrandPriceIndex from './20261124000000_listing_brand_price_index.js';
import * as addCartReminderChoice from './20261124100000_add_cart_reminder_choice.js';
import * as createOrders from './20261124200000_create_orders.js';
import * as createReturnRequests from './20261124300000_create_return_requests.js';
import * as createBackOffice from './20261125000000_create_back_office.js';
import * as deferProductRefresh from './20261125200000_defer_product_refresh.js';
import * as createOutbox from './20261126000000_create_outbox.js';
import * as addSmsUpdates from './20261126100000_add_sms_updates.js';
import * as createApiTokens from './20261127000000_create_api_tokens.js';
import * as disableSearchIndexPendingList from './20261128100000_disable_search_index_pending_list.js';

/**
 * Every migration, by name, in order. Listed statically (not read from disk) so the same
 * list runs under vitest from source and in production from compiled JavaScript.
 */
export const migrations: Record<string, Migration> = {
  '20261122000000_create_catalog': createCatalog,
  '20261122010000_add_product_search': addProductSearch,
  '20261123100000_create_accounts': createAccounts,
  '20261123200000_search_vocabulary': searchVocabulary,
  '20261123300000_create_carts': createCarts,
  '20261124000000_listing_brand_price_index': listingBrandPriceIndex,
  '20261124100000_add_cart_reminder_choice': addCartReminderChoice,
  '20261124200000_create_orders': createOrders,
  '20261124300000_create_return_requests': createReturnRequests,
  '20261125000000_create_back_office': createBackOffice,
  '20261125200000_defer_product_refresh': deferProductRefresh,
  '20261126000000_create_outbox': createOutbox,
  '20261126100000_add_sms_updates': addSmsUpdates,
  '20261127000000_create_api_tokens': createApiTokens,
  '20261128100000_disable_search_index_pending_list': disableSearchIndexPendingList,
};
