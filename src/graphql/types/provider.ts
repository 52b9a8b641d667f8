import { providers } from '../../providers/registry.js';
import { builder } from '../builder.js';

export const ProviderEnum = builder.enumType('Provider', {
  description: 'A messaging provider whose WhatsApp delivery records this service reads.',
  values: Object.fromEntries(providers.map((p) => [p.key, { value: p.key, description: p.label }])),
});
