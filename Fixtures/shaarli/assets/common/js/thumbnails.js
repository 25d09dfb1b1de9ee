function thumbnails() {}
