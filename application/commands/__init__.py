"""The commands of the dialogue service, one mixin per area of the mechanism."""
