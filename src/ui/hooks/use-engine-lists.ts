/** The Engine's lists the list screen shows (images, containers) and the shared-layers report. */
import { useCallback, useRef } from 'react';
import type { SharedReport } from '../../sources/engine/shared-layers.js';
import { type ContainerRow, containerRows } from '../present/containers.js';
import { type ImageRow, imageRows } from '../present/images.js';
import type { Services } from '../services.js';
import { type Fetched, useFetch } from './use-fetch.js';

export interface EngineLists {
  images: Fetched<ImageRow[]>;
  containers: Fetched<ContainerRow[]>;
  shared: Fetched<SharedReport>;
  listImages(): void;
  /** Ask for the containers; `again`: even when asked already. */
  listContainers(again: boolean): void;
  loadShared(): void;
}

export function useEngineLists(services: Services | undefined): EngineLists {
  const [images, fetchImages] = useFetch<ImageRow[]>();
  const [containers, fetchContainers] = useFetch<ContainerRow[]>();
  const [shared, fetchShared] = useFetch<SharedReport>();
  const askedContainers = useRef(false);
  const listImages = useCallback(() => {
    if (services) fetchImages(services.listImages().then(imageRows));
  }, [services, fetchImages]);
  const listContainers = useCallback(
    (again: boolean) => {
      if (askedContainers.current && !again) return;
      askedContainers.current = true;
      fetchContainers(
        services?.listContainers
          ? services.listContainers().then(containerRows)
          : Promise.reject(new Error('containers need an Engine')),
      );
    },
    [services, fetchContainers],
  );
  const loadShared = useCallback(() => {
    fetchShared(
      services?.sharedLayers
        ? services.sharedLayers()
        : Promise.reject(new Error('the shared-layers view needs an Engine')),
    );
  }, [services, fetchShared]);
  return { images, containers, shared, listImages, listContainers, loadShared };
}
