/**
 * The columns of Shopify's product CSV that the store reads and writes
 * (https://help.shopify.com/en/manual/products/import-export/using-csv). Every other column
 * Shopify writes (Variant Barcode, Gift Card, metafields, market prices…) is ignored on import.
 */
export const COLUMNS = {
  handle: 'Handle',
  title: 'Title',
  body: 'Body (HTML)',
  vendor: 'Vendor',
  productCategory: 'Product Category',
  type: 'Type',
  tags: 'Tags',
  published: 'Published',
  option1Name: 'Option1 Name',
  option1Value: 'Option1 Value',
  option2Name: 'Option2 Name',
  option2Value: 'Option2 Value',
  option3Name: 'Option3 Name',
  option3Value: 'Option3 Value',
  sku: 'Variant SKU',
  grams: 'Variant Grams',
  inventoryQty: 'Variant Inventory Qty',
  price: 'Variant Price',
  compareAt: 'Variant Compare At Price',
  imageSrc: 'Image Src',
  imagePosition: 'Image Position',
  imageAlt: 'Image Alt Text',
  seoTitle: 'SEO Title',
  seoDescription: 'SEO Description',
  variantImage: 'Variant Image',
  weight: 'Variant Weight',
  weightUnit: 'Variant Weight Unit',
  status: 'Status',
} as const;

export type Field = keyof typeof COLUMNS;

export const OPTION_FIELDS = [
  { name: 'option1Name', value: 'option1Value' },
  { name: 'option2Name', value: 'option2Value' },
  { name: 'option3Name', value: 'option3Value' },
] as const satisfies readonly { name: Field; value: Field }[];

/**
 * Other spellings of the same columns: older exports and apps (Matrixify) name the SEO fields
 * after their metafields, and Shopify's newer template renames most columns ("URL handle", "SKU").
 */
const ALIASES: Record<string, Field> = {
  'url handle': 'handle',
  description: 'body',
  'body html': 'body',
  'product type': 'type',
  'published on online store': 'published',
  sku: 'sku',
  price: 'price',
  'compare-at price': 'compareAt',
  'inventory quantity': 'inventoryQty',
  'weight value (grams)': 'grams',
  'product image url': 'imageSrc',
  'variant image url': 'variantImage',
  'metafields global title tag': 'seoTitle',
  'metafields global description tag': 'seoDescription',
};

const byHeader = new Map<string, Field>([
  ...Object.entries(COLUMNS).map(([field, header]) => [normalizeHeader(header), field as Field] as const),
  ...Object.entries(ALIASES),
]);

function normalizeHeader(header: string): string {
  return header.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The field a header names, matched without regard to case or spacing; undefined for columns we ignore. */
export function fieldForHeader(header: string): Field | undefined {
  return byHeader.get(normalizeHeader(header));
}

/** What the export writes, in Shopify's order. The constant columns keep Shopify's importer happy. */
export const EXPORT_HEADER = [
  'Handle',
  'Title',
  'Body (HTML)',
  'Vendor',
  'Product Category',
  'Type',
  'Tags',
  'Published',
  'Option1 Name',
  'Option1 Value',
  'Option2 Name',
  'Option2 Value',
  'Option3 Name',
  'Option3 Value',
  'Variant SKU',
  'Variant Grams',
  'Variant Inventory Tracker',
  'Variant Inventory Qty',
  'Variant Inventory Policy',
  'Variant Fulfillment Service',
  'Variant Price',
  'Variant Compare At Price',
  'Variant Requires Shipping',
  'Variant Taxable',
  'Variant Barcode',
  'Image Src',
  'Image Position',
  'Image Alt Text',
  'Gift Card',
  'SEO Title',
  'SEO Description',
  'Variant Image',
  'Variant Weight Unit',
  'Status',
] as const;

export type ExportColumn = (typeof EXPORT_HEADER)[number];
