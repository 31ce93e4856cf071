export * from './definition-catalog';
export * from './agent-catalog';
export { ListingCatalog, type Listing, type ListingVersion } from './listing-catalog';
