"""The discriminator: verify and rank candidates before anything is posted (see reviewbot/discriminator/)."""
