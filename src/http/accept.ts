/**
 * Whether a response with this `Accept` can carry an event stream, by yoga's own rule
 * (graphql-yoga `plugins/result-processor/accept.js`, applied in `use-result-processor.js`): a
 * subscription's stream can go out only as `text/event-stream`, so it needs an accepted media
 * type matching it (`text/event-stream`, `text/*`, `*\/*`, or no header at all) whose charset,
 * if named, is utf-8. Yoga decides this only after the subscription has started; asked before,
 * a request that would be answered 406 starts nothing. Parameters other than charset (a `q`)
 * are ignored, as yoga ignores them.
 */
export function acceptsEventStream(accept: string | null): boolean {
  const wanted = (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',');
  return wanted.some((entry) => {
    const [type, ...params] = entry.split(';');
    const charset = params.find((param) => param.includes('charset='));
    if (charset !== undefined && charset !== 'charset=utf-8') return false;
    const [main, sub] = (type ?? '').split('/');
    return (main === '*' || main === 'text') && (sub === '*' || sub === 'event-stream');
  });
}
