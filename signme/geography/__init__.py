"""Where signers live: the ONS postcode directory and the areas it names."""
