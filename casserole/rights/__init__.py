"""Data rights: download and erase your data, or the data of a diner you look after."""
