export { type Address, addressLines, addressSchema } from './address-schema.js';
export { type DataMatrixPngOptions, dataMatrixPng } from './data-matrix-png.js';
export { DATA_MATRIX_MODULES, type DataMatrixSymbol, encodeDataMatrix } from './data-matrix-symbol.js';
export { type IndiciumTextLine, indiciumTextLines, SAMPLE_TEXT } from './indicium-text.js';
export { MEDIA, MEDIUM_IDS, type MediumId, type MediumSpec, mediumSpec } from './media-table.js';
export { RENDER_FORMATS, type RenderFormat, type RenderRequest, renderIndicium } from './render-indicium.js';
export { PREVIEW_DPI } from './render-png.js';
export { ZPL_DPI } from './render-zpl.js';
