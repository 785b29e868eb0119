// Package catalog is the module of factories' products: name, description,
// unit, variants (size, colour …), an optional GTIN and a lead time. Only the
// owning factory publishes or changes its products; every change bumps the
// product's version.
//
// State keys, under "catalog/": product/<factory>/<sku>.
package catalog
