/** How segment and file jobs retry: three tries, 2 s then 4 s apart. */
export const retryOptions = { attempts: 3, backoff: { type: 'exponential', delay: 2000 } } as const;
