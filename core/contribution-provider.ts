import type { Container, ServiceIdentifier } from 'inversify';

/** Gives every contribution bound to one token; the host asks, plugins bind. */
export interface ContributionProvider<T> {
  getContributions(): T[];
}

export function contributionProvider<T>(container: Container, token: ServiceIdentifier<T>): ContributionProvider<T> {
  return {
    getContributions: () => (container.isBound(token) ? container.getAll(token) : []),
  };
}
